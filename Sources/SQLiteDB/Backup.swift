import CSQLite
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// How far an online backup has come, reported after each step.
public struct BackupProgress: Sendable, Equatable {
    /// Pages in the source database.
    public let totalPages: Int
    /// Pages still to copy.
    public let remainingPages: Int
}

extension Database {
    /// Copies this database into a new file at `path` with the online backup API, `pagesPerStep`
    /// pages at a time, calling `progress` after each step.
    ///
    /// The copy is one consistent snapshot: the source is read inside a single read transaction,
    /// so in WAL mode other connections keep writing and the backup never restarts. The target
    /// must not exist yet (a backup never overwrites a file) and is created with mode 0600.
    public func backup(to path: String, pagesPerStep: Int32 = 128,
                       progress: ((BackupProgress) -> Void)? = nil) throws {
        let source = try liveHandle()
        guard pagesPerStep > 0 else { throw SQLiteError.misuse("pagesPerStep must be positive") }
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else {
            throw SQLiteError(extendedCode: SQLITE_CANTOPEN, message: "cannot create backup file: \(String(cString: strerror(errno)))")
        }
        _ = Glibc.close(fd)

        do {
            try copy(into: path, from: source, pagesPerStep: pagesPerStep, progress: progress)
        } catch {
            // A half-written copy must not be mistaken for a backup.
            unlink(path)
            throw error
        }
    }

    private func copy(into path: String, from source: OpaquePointer, pagesPerStep: Int32,
                      progress: ((BackupProgress) -> Void)?) throws {
        var target: OpaquePointer?
        let rc = sqlite3_open_v2(path, &target, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_NOFOLLOW, nil)
        defer { sqlite3_close_v2(target) }
        guard rc == SQLITE_OK, let target else { throw SQLiteError(handle: target, code: rc) }

        try withReadSnapshot {
            guard let backup = sqlite3_backup_init(target, "main", source, "main") else {
                throw SQLiteError(handle: target, code: sqlite3_errcode(target))
            }
            var step = SQLITE_OK
            while step == SQLITE_OK || step == SQLITE_BUSY || step == SQLITE_LOCKED {
                step = sqlite3_backup_step(backup, pagesPerStep)
                progress?(BackupProgress(totalPages: Int(sqlite3_backup_pagecount(backup)),
                                         remainingPages: Int(sqlite3_backup_remaining(backup))))
                if step == SQLITE_BUSY || step == SQLITE_LOCKED { sqlite3_sleep(10) }
            }
            let finish = sqlite3_backup_finish(backup)
            guard step == SQLITE_DONE else { throw SQLiteError(handle: target, code: step) }
            guard finish == SQLITE_OK else { throw SQLiteError(handle: target, code: finish) }
        }
    }

    /// Holds one read transaction open around `body`, reusing the caller's if there is one.
    private func withReadSnapshot(_ body: () throws -> Void) throws {
        let ownTransaction = isAutocommit
        if ownTransaction { try execute("BEGIN DEFERRED TRANSACTION") }
        do {
            // A deferred transaction takes its snapshot at the first read.
            _ = try scalar("SELECT count(*) FROM sqlite_schema")
            try body()
        } catch {
            if ownTransaction && !isAutocommit { try? execute("ROLLBACK TRANSACTION") }
            throw error
        }
        if ownTransaction { try execute("COMMIT TRANSACTION") }
    }
}
