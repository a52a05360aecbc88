import Foundation

/// The audit log as the pages use it: an entry for something a staff member did that is not a
/// change of the ledger (a refused page, a sign-out, a look at the statistics), and the log read
/// back, newest first. Changes of the ledger write their own entry inside their own transaction.
extension Ledger {
    /// Appends one entry, `staff:<id>` as the actor, at the ledger's clock, in a transaction of
    /// its own: once this returns the entry is committed and chained. `detail` must hold machine
    /// words and ids only, never report content (the log is read by the auditor).
    public func recordStaffEvent(accountID: Int64, action: String, detail: String = "") throws {
        let now = clock()
        _ = try pool.write { [audit] db in
            try audit.append(db, actor: "staff:\(accountID)", action: action, detail: detail, at: now)
        }
    }

    /// Appends one entry for something the operator did from the command line that changes no
    /// row (a key rotated in `Keys/`), `cli` as the actor.
    public func recordSystemEvent(action: String, detail: String = "") throws {
        let now = clock()
        _ = try pool.write { [audit] db in
            try audit.append(db, actor: "cli", action: action, detail: detail, at: now)
        }
    }

    /// At most `limit` entries older than the entry `before` (all, without it), newest first,
    /// as stored: this reads, it does not verify the chain (`verifyAudit` does).
    public func auditEntries(limit: Int, before: Int64? = nil) throws -> [AuditLog.Entry] {
        try pool.read { [audit] db in try audit.entries(db, limit: limit, before: before) }
    }
}
