import CSQLite
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One SQLite connection, hardened and in WAL mode.
///
/// Not `Sendable`: a connection belongs to one thread at a time, which the compiler enforces.
/// It is opened with `SQLITE_OPEN_NOMUTEX` for that reason: SQLite's own per-call mutex would only
/// duplicate the ownership rule (and the `Mutex` in `DatabasePool`), and even with it,
/// `sqlite3_errmsg` read after a call could describe another thread's call.
public final class Database {
    /// The path given at open.
    public let path: String
    /// The options given at open.
    public let options: DatabaseOptions
    /// nil once closed.
    private(set) var handle: OpaquePointer?
    /// Depth of `transaction` calls, used to name savepoints.
    var transactionDepth = 0

    /// Opens (creating with mode 0600 if needed) and configures a connection.
    ///
    /// Throws if the database cannot be put in WAL mode, unless `options.allowNonWAL` is set.
    public init(path: String, options: DatabaseOptions = DatabaseOptions()) throws {
        self.path = path
        self.options = options
        // URIs stay off; a path that looks like one is refused in case SQLite was built with them on.
        guard !path.hasPrefix("file:") else {
            throw SQLiteError.misuse("URI file names are not accepted")
        }
        if !Self.isMemoryOrTemporary(path) { try Self.createPrivateFile(at: path) }

        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
            | SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_EXRESCODE
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let error = SQLiteError(handle: db, code: rc)
            sqlite3_close_v2(db)
            throw error
        }
        handle = db
        do {
            try configure(db)
        } catch {
            sqlite3_close_v2(db)
            handle = nil
            throw error
        }
    }

    deinit {
        // Every Statement holds its Database, so none is left here; _v2 is the safe choice anyway.
        if let handle { sqlite3_close_v2(handle) }
    }

    private static func isMemoryOrTemporary(_ path: String) -> Bool {
        path.isEmpty || path == ":memory:"
    }

    /// SQLite would create the file with 0644 less umask; a report store must not be world-readable.
    /// The -wal and -shm files take their mode from this file.
    private static func createPrivateFile(at path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        if fd >= 0 {
            _ = Glibc.close(fd)
            return
        }
        guard errno == EEXIST else {
            throw SQLiteError(extendedCode: SQLITE_CANTOPEN, message: "cannot create database file: \(String(cString: strerror(errno)))")
        }
    }

    private func configure(_ db: OpaquePointer) throws {
        sqlite3_extended_result_codes(db, 1)
        let hardened = candor_sqlite_harden(db)
        guard hardened == SQLITE_OK else { throw SQLiteError(handle: db, code: hardened) }
        let busy = sqlite3_busy_timeout(db, options.busyTimeoutMilliseconds)
        guard busy == SQLITE_OK else { throw SQLiteError(handle: db, code: busy) }

        let mode = try scalar("PRAGMA journal_mode=WAL").flatMap(String.decode(from:))?.lowercased()
        if mode != "wal" && !options.allowNonWAL {
            throw SQLiteError(extendedCode: SQLITE_ERROR,
                              message: "journal_mode is \(mode ?? "unknown"), expected wal", sql: "PRAGMA journal_mode=WAL")
        }
        try execute("PRAGMA foreign_keys=ON")
        try execute("PRAGMA secure_delete=ON")
        try execute("PRAGMA trusted_schema=OFF")
        // FULL syncs the WAL on every commit: once a report is acknowledged to its sender it must
        // survive a crash or power loss. NORMAL would only keep the database uncorrupted.
        try execute("PRAGMA synchronous=FULL")
        if options.queryOnly { try execute("PRAGMA query_only=ON") }
        try execute("PRAGMA cache_size=-\(max(100, options.cacheKibibytes))")
    }

    /// The live handle, or a misuse error after `close()`.
    func liveHandle(sql: String? = nil) throws -> OpaquePointer {
        guard let handle else { throw SQLiteError.misuse("database is closed", sql: sql) }
        return handle
    }

    /// Closes the connection. Safe to call twice. Throws `SQLITE_BUSY` (and stays open) if a
    /// `Statement` is still alive.
    public func close() throws {
        guard let handle else { return }
        let rc = sqlite3_close(handle)
        guard rc == SQLITE_OK else { throw SQLiteError(handle: handle, code: rc) }
        self.handle = nil
    }

    /// True until `close()` succeeds.
    public var isOpen: Bool { handle != nil }

    /// Compiles one statement. Trailing SQL other than whitespace or comments is an error,
    /// so a second statement is never silently ignored.
    public func prepare(_ sql: String) throws -> Statement {
        let db = try liveHandle(sql: sql)
        var statement: OpaquePointer?
        var trailing = false
        let rc = sql.withCString { start -> Int32 in
            var tail: UnsafePointer<CChar>?
            let rc = sqlite3_prepare_v2(db, start, -1, &statement, &tail)
            if rc == SQLITE_OK, let tail, tail.pointee != 0 {
                var rest: OpaquePointer?
                if sqlite3_prepare_v2(db, tail, -1, &rest, nil) != SQLITE_OK || rest != nil { trailing = true }
                sqlite3_finalize(rest)
            }
            return rc
        }
        guard rc == SQLITE_OK else { throw SQLiteError(handle: db, code: rc, sql: sql) }
        guard let statement else { throw SQLiteError.misuse("no SQL statement", sql: sql) }
        guard !trailing else {
            sqlite3_finalize(statement)
            throw SQLiteError.misuse("more than one statement; use execute(_:) for scripts", sql: sql)
        }
        return Statement(database: self, handle: statement, sql: sql)
    }

    /// Runs a script of zero or more statements without bindings (schema, pragmas).
    public func execute(_ sql: String) throws {
        let db = try liveHandle(sql: sql)
        try sql.withCString { start in
            var current: UnsafePointer<CChar>? = start
            while let cursor = current, cursor.pointee != 0 {
                var statement: OpaquePointer?
                var tail: UnsafePointer<CChar>?
                let rc = sqlite3_prepare_v2(db, cursor, -1, &statement, &tail)
                // On a parse error the tail stops mid-statement, so the error shows the rest of the script.
                let text = rc == SQLITE_OK
                    ? tail.map { String(decoding: UnsafeRawBufferPointer(start: cursor, count: $0 - cursor), as: UTF8.self) }
                    : nil
                let piece = (text ?? String(cString: cursor)).trimmingCharacters(in: .whitespacesAndNewlines)
                guard rc == SQLITE_OK else { throw SQLiteError(handle: db, code: rc, sql: piece) }
                defer { sqlite3_finalize(statement) }
                if let statement {
                    var step = sqlite3_step(statement)
                    while step == SQLITE_ROW { step = sqlite3_step(statement) }
                    guard step == SQLITE_DONE else { throw SQLiteError(handle: db, code: step, sql: piece) }
                }
                current = tail
            }
        }
    }

    /// Runs one statement with positional bindings.
    public func execute(_ sql: String, _ bindings: [SQLValue]) throws {
        try prepare(sql).run(bindings)
    }

    /// Runs one statement with named bindings (`[":id": 1]` or `["id": 1]`).
    public func execute(_ sql: String, named bindings: [String: SQLValue]) throws {
        let statement = try prepare(sql)
        try statement.bind(named: bindings)
        try statement.run()
    }

    /// All rows of one statement.
    public func query(_ sql: String, _ bindings: [SQLValue] = []) throws -> [Row] {
        try prepare(sql).rows(bindings)
    }

    /// All rows of one statement with named bindings.
    public func query(_ sql: String, named bindings: [String: SQLValue]) throws -> [Row] {
        let statement = try prepare(sql)
        try statement.bind(named: bindings)
        return try statement.rows()
    }

    /// The first row, or nil if there is none.
    public func queryOne(_ sql: String, _ bindings: [SQLValue] = []) throws -> Row? {
        let statement = try prepare(sql)
        try statement.bind(bindings)
        return try statement.step() ? statement.row() : nil
    }

    /// The first column of the first row; nil if there is no row or the value is NULL.
    public func scalar(_ sql: String, _ bindings: [SQLValue] = []) throws -> SQLValue? {
        let value = try queryOne(sql, bindings)?.values.first
        return value == .null ? nil : value
    }

    /// The first column of the first row, decoded; nil if there is no row or the value is NULL.
    public func scalar<T: SQLDecodable>(_ sql: String, _ bindings: [SQLValue] = [], as type: T.Type) throws -> T? {
        try queryOne(sql, bindings)?.get(0, as: type)
    }

    /// The rowid of the most recent successful INSERT on this connection.
    public var lastInsertRowID: Int64 {
        handle.map { sqlite3_last_insert_rowid($0) } ?? 0
    }

    /// Rows changed by the most recent INSERT, UPDATE or DELETE on this connection.
    public var changes: Int {
        handle.map { Int(sqlite3_changes64($0)) } ?? 0
    }

    /// True when no transaction is open.
    public var isAutocommit: Bool {
        handle.map { sqlite3_get_autocommit($0) != 0 } ?? true
    }
}
