import CSQLite

extension Database {
    /// Copies the WAL into the database file and truncates the WAL to zero bytes, waiting up to
    /// the busy timeout for readers. Throws `SQLITE_BUSY` if a reader's snapshot kept it from
    /// finishing.
    public func checkpoint() throws {
        let db = try liveHandle()
        // The frame counts are not returned: after a successful TRUNCATE SQLite reports both as 0.
        let rc = sqlite3_wal_checkpoint_v2(db, nil, SQLITE_CHECKPOINT_TRUNCATE, nil, nil)
        guard rc == SQLITE_OK else {
            throw SQLiteError(handle: db, code: rc, sql: "PRAGMA wal_checkpoint(TRUNCATE)")
        }
    }

    /// Runs `PRAGMA integrity_check` and returns the problems it found: empty when the database is
    /// sound. (SQLite's single `ok` line is not returned.)
    public func integrityCheck() throws -> [String] {
        let lines = try query("PRAGMA integrity_check").map { try $0.string(0) ?? "" }
        return lines == ["ok"] ? [] : lines
    }
}
