import Casework
import Foundation
import SQLiteDB

/// Each case's next due day, stored in `cases.next_due_day` and indexed, so that "overdue",
/// "due soon", the deadlines page and a sort by due day read only the cases concerned instead of
/// evaluating every case a person holds (issue 16: an older overdue case once fell off a list
/// that read only the newest 500).
///
/// The column is the earliest due day of a deadline not yet met; NULL for a closed case or one
/// whose deadlines are all met. It is derived: recomputable at any time from the case's bound
/// columns (received, real name, registered, notified, feedback, state) and the deadline rules
/// and working calendar in the settings. So it is not in the state seal: a settings change moves
/// it for every case, and the server, which holds no case's internal key, must be able to
/// rewrite it then. What it decides is only which list a case appears in first; the case page
/// and every action evaluate the deadlines afresh from the sealed columns. It is rewritten inside
/// the same transaction as every change that moves it (`checkedWrite`, intake).
enum DueDays {
    /// The earliest unmet due day of a case, nil when there is none.
    static func next(_ row: CaseRow, settings: Settings) -> Day? {
        guard !row.state.isClosed else { return nil }
        // The state each deadline is in depends on today; its due day does not.
        return DeadlineClock.evaluate(row.deadlineFacts, rules: settings.deadlines, calendar: settings.calendar, today: row.receivedOn)
            .filter { $0.metOn == nil }.map(\.due).min()
    }

    /// Recomputes one case's due day from its rows as they are now in this transaction.
    static func refresh(_ db: Database, caseID: Int64, settings: Settings) throws {
        guard let row = try db.queryOne("SELECT \(CaseRow.columns()) FROM cases WHERE id = ?", [.integer(caseID)]).map(CaseRow.init(row:)) else {
            return
        }
        try store(db, row, settings: settings)
    }

    static func store(_ db: Database, _ row: CaseRow, settings: Settings) throws {
        let due = next(row, settings: settings)
        try db.execute("UPDATE cases SET next_due_day = ? WHERE id = ? AND next_due_day IS NOT ?",
                       [due.map { .integer(Int64($0.ordinal)) } ?? .null, .integer(row.id), due.map { .integer(Int64($0.ordinal)) } ?? .null])
    }

    /// What the stored due days were computed under: the deadline rules and the working calendar.
    static func fingerprint(_ settings: Settings) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let rules = String(decoding: try encoder.encode(settings.deadlines), as: UTF8.self)
        let calendar = String(decoding: try encoder.encode(settings.calendar), as: UTF8.self)
        return rules + "|" + calendar
    }

    /// Recomputes every open case's due day when the rules they were computed under differ from
    /// `settings` (the run that adds the column, a change of deadlines or calendar); nothing when
    /// they are the same. Returns how many cases were read.
    @discardableResult
    static func refreshAllIfRulesChanged(_ pool: DatabasePool, settings: Settings) throws -> Int {
        let fingerprint = try fingerprint(settings)
        return try pool.write { db in
            let stored = try db.queryOne("SELECT value FROM meta WHERE name = 'due_days_rules'")?.required(String.self, "value", table: "meta")
            guard stored != fingerprint else { return 0 }
            // In batches by id, so a million cases are never held in memory at once.
            var (count, last) = (0, Int64.min)
            while true {
                let rows = try db.query("SELECT \(CaseRow.columns()) FROM cases WHERE id > ? ORDER BY id LIMIT 2000", [.integer(last)])
                guard !rows.isEmpty else { break }
                for row in rows {
                    let c = try CaseRow(row: row)
                    try store(db, c, settings: settings)
                    (count, last) = (count + 1, c.id)
                }
            }
            try db.execute("INSERT INTO meta(name, value) VALUES ('due_days_rules', ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value",
                           [.text(fingerprint)])
            return count
        }
    }
}
