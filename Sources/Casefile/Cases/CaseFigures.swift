import Casework
import Foundation
import SQLiteDB

/// What the statistics are made of: the plaintext columns of `cases` (counts, days, states,
/// categories, channels) and never a sealed blob, so no figure built from these can carry a
/// report's text or a reporter's identity, whoever asks for it.
extension Ledger {
    /// One `Statistics.Case` per case, purged ones included (their plaintext columns stay), of
    /// the given register year or of every year. Reads one snapshot.
    ///
    /// - Parameter heldBy: only the cases this account holds a grant for. An account that can be
    ///   excluded from a case (a head, an inspector, an approver) gets its own figures: the full
    ///   count minus its inbox would otherwise tell it how many cases are kept from it, and the
    ///   months and categories which. Nil (every case) is for internal audit, which holds none.
    public func statisticsCases(year: Int?, heldBy: Int64? = nil) throws -> [Statistics.Case] {
        var select = "SELECT \(CaseRow.columns()) FROM cases WHERE 1"
        var arguments: [SQLValue] = []
        if let heldBy {
            select += " AND id IN (SELECT case_id FROM grants WHERE holder = ?)"
            arguments.append(.text(Holder.account(heldBy)))
        }
        if let year {
            select += " AND register_year = ?"
            arguments.append(.integer(Int64(year)))
        }
        let rows = try pool.read { [select, arguments] db in try db.query(select, arguments) }
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

    /// Every register year that has a case (held by `heldBy`, when given), newest first, each once.
    public func registerYears(heldBy: Int64? = nil) throws -> [Int] {
        try pool.read { db in
            let rows = try heldBy.map {
                try db.query("SELECT DISTINCT register_year FROM cases WHERE id IN (SELECT case_id FROM grants WHERE holder = ?) ORDER BY register_year DESC",
                             [.text(Holder.account($0))])
            } ?? db.query("SELECT DISTINCT register_year FROM cases ORDER BY register_year DESC")
            return try rows.map { try $0.required(Int.self, "register_year", table: CaseRow.table) }
        }
    }
}
