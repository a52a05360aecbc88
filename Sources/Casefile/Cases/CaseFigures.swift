import Casework
import Foundation

/// What the statistics are made of: the plaintext columns of `cases` (counts, days, states,
/// categories, channels) and never a sealed blob, so no figure built from these can carry a
/// report's text or a reporter's identity, whoever asks for it.
extension Ledger {
    /// One `Statistics.Case` per case, purged ones included (their plaintext columns stay), of
    /// the given register year or of every year. Reads one snapshot.
    public func statisticsCases(year: Int?) throws -> [Statistics.Case] {
        let columns = """
            SELECT channel, category, state, outcome, real_name, received_day, registered_day,
                   acceptance_notice_day, feedback_day, closed_day FROM cases
            """
        let rows = try pool.read { db in
            if let year { return try db.query(columns + " WHERE register_year = ?", [.integer(Int64(year))]) }
            return try db.query(columns)
        }
        return try rows.map { row in
            let outcome = try row.string("outcome").flatMap(Outcome.init(rawValue:))
            let closed = try row.int("closed_day").map(Day.init(ordinal:))
            // `cases` records no day of conclusion for a case still in `concluded`; a case closed
            // with an outcome was concluded by its closing day at the latest.
            return Statistics.Case(receivedOn: Day(ordinal: try row.int("received_day") ?? 0),
                                   channel: try row.string("channel") ?? "", category: try row.string("category") ?? "",
                                   state: CaseState(rawValue: try row.string("state") ?? "") ?? .submitted, outcome: outcome,
                                   realName: try row.bool("real_name") ?? false,
                                   registeredOn: try row.int("registered_day").map(Day.init(ordinal:)),
                                   acceptanceNoticeOn: try row.int("acceptance_notice_day").map(Day.init(ordinal:)),
                                   feedbackOn: try row.int("feedback_day").map(Day.init(ordinal:)),
                                   concludedOn: outcome == nil ? nil : closed, closedOn: closed)
        }
    }

    /// Every register year that has a case, newest first, each once.
    public func registerYears() throws -> [Int] {
        try pool.read { db in
            try db.query("SELECT DISTINCT register_year FROM cases ORDER BY register_year DESC").compactMap { try $0.int("register_year") }
        }
    }
}
