import Synchronization

/// Connections for a server: one writer and a fixed set of readers, all configured identically.
///
/// Writes are serialized by a `Mutex` around the single writer connection. Readers open with
/// `query_only`; WAL lets them read committed data while the writer holds a transaction. Every
/// connection is reached only inside its own `Mutex`, so one thread at a time uses each.
public final class DatabasePool: Sendable {
    /// The database file.
    public let path: String
    private let writer: Mutex<Database>
    private let readers: [Reader]
    private let nextReader = Atomic<UInt>(0)
    private let readerOptions: DatabaseOptions
    private let versionWatch = Mutex<VersionWatch>(.unopened)

    private enum VersionWatch {
        case unopened
        case open(Statement)
        case closed
    }

    private final class Reader: Sendable {
        let connection: Mutex<Database>
        init(_ database: sending Database) { connection = Mutex(database) }
    }

    /// Opens the writer first (it creates the file and sets WAL), then `readerCount` readers.
    public init(path: String, readerCount: Int = 4, options: DatabaseOptions = DatabaseOptions()) throws {
        precondition(readerCount > 0, "a pool needs at least one reader")
        self.path = path
        var writerOptions = options
        writerOptions.queryOnly = false
        writer = Mutex(try Database(path: path, options: writerOptions))
        var readerOptions = options
        readerOptions.queryOnly = true
        self.readerOptions = readerOptions
        readers = try (0..<readerCount).map { _ in Reader(try Database(path: path, options: readerOptions)) }
    }

    /// `body` is `@Sendable` and `T` is `Sendable` so that the connection cannot escape the lock,
    /// neither captured into the caller's state nor returned.
    ///
    /// Runs `body` on the writer inside an immediate transaction: committed when it returns,
    /// rolled back when it throws. Waits while another thread writes.
    public func write<T: Sendable>(_ body: @Sendable (Database) throws -> T) throws -> T {
        try writer.withLock { db in
            try db.transaction(.immediate, body)
        }
    }

    /// Runs `body` on the writer with no transaction around it: for migrations (which open their
    /// own), checkpoints and VACUUM.
    public func writeWithoutTransaction<T: Sendable>(_ body: @Sendable (Database) throws -> T) throws -> T {
        try writer.withLock { db in
            try body(db)
        }
    }

    /// Runs `body` on a reader inside a deferred transaction, so every query in it sees the same
    /// committed snapshot. Takes a free reader if there is one, else waits for one.
    public func read<T: Sendable>(_ body: @Sendable (Database) throws -> T) throws -> T {
        let start = Int(nextReader.wrappingAdd(1, ordering: .relaxed).oldValue % UInt(readers.count))
        for offset in 0..<readers.count {
            let reader = readers[(start + offset) % readers.count]
            let attempt: Result<T, any Error>? = reader.connection.withLockIfAvailable { db in
                Result { try db.transaction(.deferred, body) }
            }
            if let attempt { return try attempt.get() }
        }
        return try readers[start].connection.withLock { db in
            try db.transaction(.deferred, body)
        }
    }

    /// Backs the database up into a new file at `path` from a reader: one consistent snapshot
    /// while writes go on. See `Database.backup(to:pagesPerStep:progress:)`.
    public func backup(to path: String, pagesPerStep: Int32 = 128,
                       progress: (@Sendable (BackupProgress) -> Void)? = nil) throws {
        try readers[0].connection.withLock { db in
            try db.backup(to: path, pagesPerStep: pagesPerStep, progress: progress)
        }
    }

    /// Truncating WAL checkpoint on the writer.
    public func checkpoint() throws {
        try writeWithoutTransaction { try $0.checkpoint() }
    }

    /// `PRAGMA integrity_check` on a reader; empty when the database is sound.
    public func integrityCheck() throws -> [String] {
        try readers[0].connection.withLock { try $0.integrityCheck() }
    }

    /// `PRAGMA data_version` on a connection of its own (opened on first use, query-only, never
    /// used for anything else): the value differs from the one the previous call returned exactly
    /// when a commit happened in between, on this pool's writer or in another process (the CLI).
    /// One step of a prepared statement, so that a cache of something read from the database can
    /// check it is still current on every request without reading it again.
    public func dataVersion() throws -> Int64 {
        try versionWatch.withLock { try ask(&$0) }
    }

    /// `dataVersion()`, or nil at once when another thread is asking: a caller under load can
    /// then keep the answer it had, rather than queue behind a lock that every request wants.
    public func dataVersionIfIdle() throws -> Int64? {
        try versionWatch.withLockIfAvailable { try ask(&$0) }
    }

    private func ask(_ watch: inout VersionWatch) throws -> Int64 {
        let statement: Statement
        switch watch {
        case .open(let s):
            statement = s
        case .unopened:
            statement = try Database(path: path, options: readerOptions).prepare("PRAGMA data_version")
            watch = .open(statement)
        case .closed:
            throw SQLiteError.misuse("database is closed", sql: "PRAGMA data_version")
        }
        // Reset at once: a statement left stepped would hold a read snapshot and stop checkpoints.
        defer { try? statement.reset() }
        guard try statement.step(), case .integer(let version) = statement.column(0) else {
            throw SQLiteError.misuse("PRAGMA data_version returned no number", sql: "PRAGMA data_version")
        }
        return version
    }

    /// Closes every connection (each waits for its current user). Idempotent.
    public func close() throws {
        // Dropping the statement finalizes it and releases its connection, which closes.
        versionWatch.withLock { $0 = .closed }
        for reader in readers { try reader.connection.withLock { try $0.close() } }
        try writer.withLock { try $0.close() }
    }
}
