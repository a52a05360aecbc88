import CSQLite
import Foundation

/// An error reported by SQLite, or by this module on SQLite's behalf.
///
/// It carries the result codes, SQLite's message and the SQL text. The SQL text holds only
/// `?`/named placeholders, so neither `description` nor `debugDescription` can reveal a bound
/// value: a report's contents must never reach a log through an error.
public struct SQLiteError: Error, Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, LocalizedError {
    /// The primary result code, e.g. `SQLITE_CONSTRAINT` (19).
    public let code: Int32
    /// The extended result code, e.g. `SQLITE_CONSTRAINT_UNIQUE` (2067).
    public let extendedCode: Int32
    /// `sqlite3_errmsg` at the time of the failure, or this module's own explanation.
    public let message: String
    /// The statement that failed, as written by the caller (placeholders, never values).
    public let sql: String?

    /// Creates an error from an extended result code; the primary code is its low byte.
    public init(extendedCode: Int32, message: String, sql: String? = nil) {
        self.code = extendedCode & 0xFF
        self.extendedCode = extendedCode
        self.message = message
        self.sql = sql
    }

    /// Reads the code and message from a connection right after the failing call.
    init(handle: OpaquePointer?, code: Int32, sql: String? = nil) {
        // sqlite3_errmsg describes the most recent call on this connection; callers pass the
        // code they got so a stale message cannot hide a misuse code.
        let message = handle.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
            ?? String(cString: sqlite3_errstr(code))
        let extended = handle.map { sqlite3_extended_errcode($0) } ?? code
        self.init(extendedCode: (extended & 0xFF) == (code & 0xFF) ? extended : code, message: message, sql: sql)
    }

    static func misuse(_ message: String, sql: String? = nil) -> SQLiteError {
        SQLiteError(extendedCode: SQLITE_MISUSE, message: message, sql: sql)
    }

    public var description: String {
        var text = "SQLite error \(code) (extended \(extendedCode)): \(message)"
        if let sql { text += " [SQL: \(sql)]" }
        return text
    }

    public var debugDescription: String { "SQLiteError(" + description + ")" }

    public var errorDescription: String? { description }
}
