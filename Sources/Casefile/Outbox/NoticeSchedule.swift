import Casework
import Foundation
import SQLiteDB
import Vault

/// The notices no request causes: the daily digest and the deadline reminders. Both are marked
/// with their day, so running the schedule again (every pass, after a restart, on two servers by
/// mistake) queues nothing twice.
extension Ledger {
    /// Queues today's digest for every `digest` account once the configured hour has come.
    @discardableResult
    public func scheduleDigests(now: Int64? = nil) throws -> Int {
        let settings = self.settings
        guard settings.notifications.enabled else { return 0 }
        let now = now ?? clock()
        let offset = Int64(settings.utcOffsetMinutes) * 60
        let hour = Int(((now + offset) % 86400 + 86400) % 86400 / 3600)
        guard hour >= settings.notifications.digestHour else { return 0 }
        let day = Day(unixTime: now, offsetSeconds: Int(offset)).ordinal
        return try pool.write { db in
            try db.execute("""
                INSERT INTO outbox(account_id, kind, state, attempts, created_at, next_attempt_at, mark)
                SELECT id, 'digest', 'queued', 0, ?, ?, 'digest|' || id || '|' || ? FROM accounts
                WHERE disabled = 0 AND notify = 'digest' AND email IS NOT NULL
                ON CONFLICT(mark) DO NOTHING
                """, [.integer(now), .integer(now), .integer(Int64(day))])
            return db.changes
        }
    }

    /// For every open case, each deadline two days away or passed and not yet met: a notice to
    /// each intake holder, at most one per deadline, account and day.
    @discardableResult
    public func scanDeadlines(now: Int64? = nil) throws -> Int {
        let settings = self.settings
        guard settings.notifications.enabled else { return 0 }
        let now = now ?? clock()
        let today = Day(unixTime: now, offsetSeconds: settings.utcOffsetMinutes * 60)
        let rows = try pool.read { db in
            try db.query("""
                SELECT \(CaseRow.columns("c")),
                       (SELECT group_concat(account_id) FROM assignments a WHERE a.case_id = c.id AND a.capacity = 'intake') AS intake
                FROM cases c WHERE c.purged_day IS NULL AND c.closed_day IS NULL
                """)
        }
        var due: [(caseID: Int64, kind: String, accounts: [Int64])] = []
        for row in rows {
            let c = try CaseRow(row: row)
            guard !c.state.isClosed else { continue }
            // NULL when no account holds the case in the intake capacity.
            let accounts = (try row.string("intake") ?? "").split(separator: ",").compactMap { Int64($0) }
            guard !accounts.isEmpty else { continue }
            for status in DeadlineClock.evaluate(c.deadlineFacts, rules: settings.deadlines, calendar: settings.calendar, today: today)
            where status.metOn == nil && today.days(until: status.due) <= 2 {
                due.append((c.id, status.kind.rawValue, accounts))
            }
        }
        let day = today.ordinal
        // The mark is keyed (HMAC under the audit key, which lives in Keys/, not in the
        // database), so the outbox never names a case to someone holding only the database.
        let key = audit.key
        let marked = try due.map { item in
            (item.accounts, try Dictionary(uniqueKeysWithValues: item.accounts.map { account in
                (account, "deadline|" + hex(try HMAC.sha256(key: key, message: Array("candor/notice-mark/v1|\(item.caseID)|\(item.kind)|\(account)|\(day)".utf8))))
            }))
        }
        return try pool.write { db in
            var queued = 0
            for (accounts, marks) in marked {
                queued += try Outbox.enqueue(db, accounts: accounts, at: now) { marks[$0] }
            }
            return queued
        }
    }
}
