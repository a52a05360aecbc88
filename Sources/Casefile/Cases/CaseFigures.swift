import Casework
import Foundation

/// What the statistics are made of: the plaintext columns of `cases` (counts, days, states,
/// categories, channels) and never a sealed blob, so no figure built from these can carry a
/// report's text or a reporter's identity, whoever asks for it.
extension Ledger {
    /// One `Statistics.Case` per case, purged ones included (their plaintext columns stay), of
    /// the given register year or of every year. Reads one snapshot.
    public func statisticsCases(year: Int?) throws -> [Statistics.Case] {
        let select = "SELECT \(CaseRow.columns()) FROM cases"
        let rows = try pool.read { db in
            if let year { return try db.query(select + " WHERE register_year = ?", [.integer(Int64(year))]) }
            return try db.query(select)
        }
        return try rows.map { row in
            let c = try CaseRow(row: row)
            // `cases` records no day of conclusion for a case still in `concluded`; a case closed
            // with an outcome was concluded by its closing day at the latest.
            return Statistics.Case(receivedOn: c.receivedOn, channel: c.channel, category: c.category, state: c.state,
                                   outcome: c.outcome, realName: c.realName, registeredOn: c.registeredOn,
                                   acceptanceNoticeOn: c.acceptanceNoticeOn, feedbackOn: c.feedbackOn,
                                   concludedOn: c.outcome == nil ? nil : c.closedOn, closedOn: c.closedOn)
        }
    }

    /// Every register year that has a case, newest first, each once.
    public func registerYears() throws -> [Int] {
        try pool.read { db in
            try db.query("SELECT DISTINCT register_year FROM cases ORDER BY register_year DESC").map { try $0.required(Int.self, "register_year", table: CaseRow.table) }
        }
    }
}
