import Foundation
import SQLiteDB

/// The outbox table: notices queued inside the transaction of the event that causes them, so a
/// rolled-back event sends nothing and a committed one cannot lose its notice. Only the worker
/// sends; a request does no more than insert a row.
public enum Outbox {
    /// Queues an immediate notice for each account that wants one (active, an address,
    /// preference `immediate`). With a `mark`, a second notice with the same mark is dropped.
    @discardableResult
    static func enqueue(_ db: Database, accounts: [Int64], at now: Int64, mark: (Int64) -> String? = { _ in nil }) throws -> Int {
        var queued = 0
        for id in Set(accounts).sorted() {
            try db.execute("""
                INSERT INTO outbox(account_id, kind, state, attempts, created_at, next_attempt_at, mark)
                SELECT id, 'immediate', 'queued', 0, ?, ?, ? FROM accounts
                WHERE id = ? AND disabled = 0 AND notify = 'immediate' AND email IS NOT NULL
                ON CONFLICT(mark) DO NOTHING
                """, [.integer(now), .integer(now), mark(id).map(SQLValue.text) ?? .null, .integer(id)])
            queued += db.changes
        }
        return queued
    }

    /// Everyone who holds the case's key: the people a reporter's reply or evidence is for.
    /// An excluded account never has a grant, so it is never among them.
    static func holders(_ db: Database, caseID: Int64) throws -> [Int64] {
        try db.query("SELECT account_id FROM grants WHERE case_id = ? AND account_id IS NOT NULL", [.integer(caseID)])
            .map { try $0.required(Int64.self, "account_id", table: "grants") }
    }

    /// The accounts in either approval seat on the case.
    static func seatHolders(_ db: Database, caseID: Int64) throws -> [Int64] {
        try db.query("SELECT account_id FROM assignments WHERE case_id = ? AND capacity IN ('chairman','party_secretary')",
                     [.integer(caseID)]).map { try $0.required(Int64.self, "account_id", table: "assignments") }
    }

    /// One row as the admin page shows it.
    public struct Entry: Sendable, Equatable {
        public let id: Int64
        public let login: String
        public let kind: String
        public let state: String
        public let attempts: Int
        public let createdAt: Int64
        public let lastAttemptAt: Int64?
        public let sentAt: Int64?
        public let nextAttemptAt: Int64
        public let lastError: String?
    }

    static func entries(_ db: Database, limit: Int = 300) throws -> [Entry] {
        try db.query("""
            SELECT o.id, a.login, o.kind, o.state, o.attempts, o.created_at, o.last_attempt_at, o.sent_at, o.next_attempt_at, o.last_error
            FROM outbox o JOIN accounts a ON a.id = o.account_id ORDER BY o.id DESC LIMIT ?
            """, [.integer(Int64(limit))]).map { row in
            let r = row.reader(table: "outbox")
            return Entry(id: try r.required("id"), login: try row.required(String.self, "login", table: "accounts"),
                         kind: try r.required("kind"), state: try r.required("state"), attempts: try r.required("attempts"),
                         createdAt: try r.required("created_at"), lastAttemptAt: try r.optional("last_attempt_at"),
                         sentAt: try r.optional("sent_at"), nextAttemptAt: try r.required("next_attempt_at"),
                         lastError: try r.optional("last_error"))
        }
    }
}

extension Ledger {
    /// Whether events queue notices at all: only with a transport configured.
    var notifying: Bool { settings.notifications.enabled }

    /// The outbox, newest first, for the admin page and tests.
    public func outboxEntries(limit: Int = 300) throws -> [Outbox.Entry] {
        try pool.read { db in try Outbox.entries(db, limit: limit) }
    }

    /// A queued notice whose time has come, with what its account wants now (the account may
    /// have been disabled, or changed its address or preference, since it was queued).
    public struct DueNotice: Sendable {
        public let id: Int64
        public let accountID: Int64
        /// `immediate` or `digest`.
        public let kind: String
        /// Attempts already made.
        public let attempts: Int
        public let email: String?
        public let disabled: Bool?
        public let notify: String?
    }

    /// Up to 200 queued notices due at `now`, oldest first. Reads only: a notice stays queued
    /// until `recordDelivery` says otherwise.
    public func dueNotices(at now: Int64) throws -> [DueNotice] {
        let rows = try pool.read { db in
            try db.query("""
                SELECT o.id, o.account_id, o.kind, o.attempts, a.email, a.disabled, a.notify
                FROM outbox o JOIN accounts a ON a.id = o.account_id
                WHERE o.state = 'queued' AND o.next_attempt_at <= ? ORDER BY o.id LIMIT 200
                """, [.integer(now)])
        }
        return try rows.map { row in
            let r = row.reader(table: "outbox"), a = row.reader(table: "accounts")
            return DueNotice(id: try r.required("id"), accountID: try r.required("account_id"), kind: try r.required("kind"),
                             attempts: try r.required("attempts"), email: try a.optional("email"), disabled: try a.required("disabled", as: Bool.self),
                             notify: try a.required("notify", as: String.self))
        }
    }

    /// Records one attempt's outcome on the notice: its state (`sent`, `queued` to retry at
    /// `next`, `failed`), the attempts made, and the reason, which must be the transport's and
    /// never case data. `sent_at` is set only when the state is `sent`. Committed on return.
    public func recordDelivery(_ id: Int64, now: Int64, attempts: Int, state: String, error: String?, next: Int64) throws {
        try pool.write { db in
            try db.execute("""
                UPDATE outbox SET state = ?, attempts = ?, last_attempt_at = ?, last_error = ?, next_attempt_at = ?,
                  sent_at = CASE WHEN ? = 'sent' THEN ? ELSE sent_at END
                WHERE id = ?
                """, [.text(state), .integer(Int64(attempts)), .integer(now), error.map(SQLValue.text) ?? .null, .integer(next),
                      .text(state), .integer(now), .integer(id)])
        }
    }
}
