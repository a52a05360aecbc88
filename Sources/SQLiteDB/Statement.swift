import CSQLite

/// A prepared statement. It keeps its `Database` alive and finalizes itself in `deinit`,
/// so a connection is never left with statements nobody can reach.
public final class Statement {
    /// The SQL as prepared (placeholders only); shown in errors.
    public let sql: String
    let database: Database
    let handle: OpaquePointer

    init(database: Database, handle: OpaquePointer, sql: String) {
        self.database = database
        self.handle = handle
        self.sql = sql
    }

    deinit {
        sqlite3_finalize(handle)
    }

    /// Number of `?`/named parameters.
    public var parameterCount: Int { Int(sqlite3_bind_parameter_count(handle)) }

    /// Number of result columns.
    public var columnCount: Int { Int(sqlite3_column_count(handle)) }

    /// Result column names in order.
    public private(set) lazy var columnNames: [String] = (0..<Int32(columnCount)).map {
        sqlite3_column_name(handle, $0).map { String(cString: $0) } ?? ""
    }

    /// Binds one value to a 1-based parameter index. Binding rewinds the statement first:
    /// SQLite refuses bindings on a statement that has been stepped.
    public func bind(_ value: SQLValue, at index: Int) throws {
        sqlite3_reset(handle)
        guard index >= 1, index <= parameterCount, let i = Int32(exactly: index) else {
            throw SQLiteError(extendedCode: SQLITE_RANGE, message: "no parameter #\(index)", sql: sql)
        }
        let rc: Int32
        switch value {
        case .null:
            rc = sqlite3_bind_null(handle, i)
        case .integer(let v):
            rc = sqlite3_bind_int64(handle, i, v)
        case .real(let v):
            rc = sqlite3_bind_double(handle, i, v)
        case .text(let s):
            rc = Self.bindText(s, to: handle, at: i)
        case .blob(let bytes):
            // An empty array may have no base address, and a NULL pointer binds SQL NULL.
            if bytes.isEmpty {
                rc = sqlite3_bind_zeroblob(handle, i, 0)
            } else {
                rc = bytes.withUnsafeBytes { buf in
                    sqlite3_bind_blob64(handle, i, buf.baseAddress, sqlite3_uint64(buf.count), candor_sqlite_transient())
                }
            }
        }
        try check(rc)
    }

    private static func bindText(_ text: String, to handle: OpaquePointer, at i: Int32) -> Int32 {
        if text.isEmpty {
            // Same NULL-pointer trap as blobs: a static "" keeps empty text distinct from NULL.
            return sqlite3_bind_text(handle, i, "", 0, candor_sqlite_transient())
        }
        var text = text
        return text.withUTF8 { buf in
            buf.withMemoryRebound(to: CChar.self) { chars in
                sqlite3_bind_text64(handle, i, chars.baseAddress, sqlite3_uint64(chars.count),
                                    candor_sqlite_transient(), UInt8(SQLITE_UTF8))
            }
        }
    }

    /// Binds one value to a named parameter. `name` may include its prefix (`:id`, `@id`, `$id`);
    /// without one, `:` is assumed.
    public func bind(_ value: SQLValue, named name: String) throws {
        let candidates = name.first.map { ":@$".contains($0) } == true ? [name] : [":" + name, "@" + name, "$" + name]
        for candidate in candidates {
            let index = sqlite3_bind_parameter_index(handle, candidate)
            if index > 0 { return try bind(value, at: Int(index)) }
        }
        throw SQLiteError(extendedCode: SQLITE_RANGE, message: "no parameter named \(name)", sql: sql)
    }

    /// Binds every parameter positionally; the count must match exactly.
    public func bind(_ values: [SQLValue]) throws {
        guard values.count == parameterCount else {
            throw SQLiteError(extendedCode: SQLITE_RANGE,
                              message: "\(values.count) values for \(parameterCount) parameters", sql: sql)
        }
        for (offset, value) in values.enumerated() { try bind(value, at: offset + 1) }
    }

    /// Binds named parameters; every key must name a parameter.
    public func bind(named values: [String: SQLValue]) throws {
        for (name, value) in values { try bind(value, named: name) }
    }

    /// Advances to the next row: true when a row is available, false when the statement is done.
    @discardableResult
    public func step() throws -> Bool {
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw SQLiteError(handle: database.handle, code: rc, sql: sql)
        }
    }

    /// Rewinds the statement so it can run again; bindings are kept.
    public func reset() throws {
        // sqlite3_reset repeats the error of the last step; that one was already thrown.
        _ = sqlite3_reset(handle)
    }

    /// Sets every parameter back to NULL.
    public func clearBindings() {
        sqlite3_clear_bindings(handle)
    }

    /// The value of a zero-based column of the current row.
    public func column(_ index: Int) -> SQLValue {
        let i = Int32(index)
        switch sqlite3_column_type(handle, i) {
        case SQLITE_INTEGER:
            return .integer(sqlite3_column_int64(handle, i))
        case SQLITE_FLOAT:
            return .real(sqlite3_column_double(handle, i))
        case SQLITE_TEXT:
            // column_text before column_bytes: the byte count is of the converted text.
            guard let text = sqlite3_column_text(handle, i) else { return .text("") }
            let count = Int(sqlite3_column_bytes(handle, i))
            return .text(String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self))
        case SQLITE_BLOB:
            // A zero-length blob comes back as a NULL pointer; the column type says it is a blob.
            guard let bytes = sqlite3_column_blob(handle, i) else { return .blob([]) }
            let count = Int(sqlite3_column_bytes(handle, i))
            return .blob([UInt8](UnsafeRawBufferPointer(start: bytes, count: count)))
        default:
            return .null
        }
    }

    /// The current row, copied.
    public func row() -> Row {
        Row(columnNames: columnNames, values: (0..<columnCount).map(column))
    }

    /// Runs the statement from the start and collects every row. With `bindings`, binds them
    /// first; without, keeps the current bindings.
    public func rows(_ bindings: [SQLValue]? = nil) throws -> [Row] {
        try reset()
        if let bindings { try bind(bindings) }
        var rows: [Row] = []
        while try step() { rows.append(row()) }
        return rows
    }

    /// Runs the statement from the start to completion, discarding rows. With `bindings`,
    /// binds them first; without, keeps the current bindings.
    public func run(_ bindings: [SQLValue]? = nil) throws {
        try reset()
        if let bindings { try bind(bindings) }
        while try step() {}
    }

    private func check(_ rc: Int32) throws {
        guard rc == SQLITE_OK else { throw SQLiteError(handle: database.handle, code: rc, sql: sql) }
    }
}
