import CSQLite

/// What a WAL checkpoint did.
public struct CheckpointResult: Sendable, Equatable {
    /// Frames in the WAL when the checkpoint ran.
    public let walFrames: Int
    /// Frames copied back into the database file.
    public let checkpointedFrames: Int
}

extension Database {
    /// Copies the WAL into the database file and truncates the WAL to zero bytes, waiting up to
    /// the busy timeout for readers. Throws `SQLITE_BUSY` if it could not finish.
    @discardableResult
    public func checkpoint() throws -> CheckpointResult {
        let db = try liveHandle()
        var log: Int32 = 0
        var copied: Int32 = 0
        let rc = sqlite3_wal_checkpoint_v2(db, nil, SQLITE_CHECKPOINT_TRUNCATE, &log, &copied)
        guard rc == SQLITE_OK else {
            throw SQLiteError(handle: db, code: rc, sql: "PRAGMA wal_checkpoint(TRUNCATE)")
        }
        return CheckpointResult(walFrames: Int(log), checkpointedFrames: Int(copied))
    }

    /// Runs `PRAGMA integrity_check` and returns the problems it found: empty when the database is
    /// sound. (SQLite's single `ok` line is not returned.)
    public func integrityCheck() throws -> [String] {
        let lines = try query("PRAGMA integrity_check").map { try $0.string(0) ?? "" }
        return lines == ["ok"] ? [] : lines
    }
}
