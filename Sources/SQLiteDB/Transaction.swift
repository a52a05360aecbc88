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
        try execute("BEGIN \(kind.rawValue) TRANSACTION")
        transactionDepth += 1
        defer { transactionDepth -= 1 }
        let result: T
        do {
            result = try body(self)
        } catch {
            rollbackIfOpen()
            throw error
        }
        do {
            try execute("COMMIT TRANSACTION")
        } catch {
            rollbackIfOpen()
            throw error
        }
        return result
    }

    private func savepoint<T>(_ body: (Database) throws -> T) throws -> T {
        // Savepoint names come from a counter, never from caller input.
        let name = "candor_sp_\(transactionDepth)"
        try execute("SAVEPOINT \(name)")
        transactionDepth += 1
        defer { transactionDepth -= 1 }
        let result: T
        do {
            result = try body(self)
        } catch {
            // ROLLBACK TO keeps the savepoint open; RELEASE then removes it.
            if !isAutocommit {
                try? execute("ROLLBACK TO SAVEPOINT \(name); RELEASE SAVEPOINT \(name)")
            }
            throw error
        }
        try execute("RELEASE SAVEPOINT \(name)")
        return result
    }

    /// Some errors (SQLITE_FULL, SQLITE_IOERR...) already rolled back: ROLLBACK then would fail.
    private func rollbackIfOpen() {
        if !isAutocommit { try? execute("ROLLBACK TRANSACTION") }
    }
}
