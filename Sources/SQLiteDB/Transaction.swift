import CSQLite

/// How a top-level transaction takes its locks.
public enum TransactionKind: String, Sendable {
    /// Takes locks when first needed; a later write can fail with `SQLITE_BUSY` without waiting.
    case deferred = "DEFERRED"
    /// Takes the write lock at BEGIN, where the busy timeout applies. The default for writes.
    case immediate = "IMMEDIATE"
    /// Like immediate; in WAL mode readers are still allowed.
    case exclusive = "EXCLUSIVE"
}

extension Database {
    /// Runs `body` in a transaction: commits when it returns, rolls back when it throws.
    ///
    /// Called inside another transaction, it uses a SAVEPOINT instead (and `kind` is ignored), so
    /// a nested failure undoes only the nested work. If COMMIT itself fails, the transaction is
    /// rolled back and the COMMIT error is thrown.
    public func transaction<T>(_ kind: TransactionKind = .immediate, _ body: (Database) throws -> T) throws -> T {
        let db = try liveHandle()
        if sqlite3_get_autocommit(db) == 0 {
            return try savepoint(body)
        }
        return try bracketed(begin: "BEGIN \(kind.rawValue) TRANSACTION", end: "COMMIT TRANSACTION",
                             undo: rollbackIfOpen, body)
    }

    private func savepoint<T>(_ body: (Database) throws -> T) throws -> T {
        // Savepoint names come from a counter, never from caller input.
        let name = "candor_sp_\(transactionDepth)"
        return try bracketed(begin: "SAVEPOINT \(name)", end: "RELEASE SAVEPOINT \(name)", undo: {
            // ROLLBACK TO keeps the savepoint open; RELEASE then removes it.
            if !self.isAutocommit { try? self.execute("ROLLBACK TO SAVEPOINT \(name); RELEASE SAVEPOINT \(name)") }
        }, body)
    }

    /// `begin`, the body, `end`; when the body or `end` throws, `undo` runs and the error is
    /// rethrown, so nothing half-done stays (a COMMIT that fails is rolled back too).
    private func bracketed<T>(begin: String, end: String, undo: () -> Void, _ body: (Database) throws -> T) throws -> T {
        try execute(begin)
        transactionDepth += 1
        defer { transactionDepth -= 1 }
        let result: T
        do {
            result = try body(self)
            try execute(end)
        } catch {
            undo()
            throw error
        }
        return result
    }

    /// Some errors (SQLITE_FULL, SQLITE_IOERR...) already rolled back: ROLLBACK then would fail.
    private func rollbackIfOpen() {
        if !isAutocommit { try? execute("ROLLBACK TRANSACTION") }
    }
}
