/// One result row, copied out of the statement so it outlives the next `step()`.
///
/// Typed getters return nil for SQL NULL and throw `RowError` for a missing column or a value of
/// another storage class; the error names the column and the storage class, never the value.
public struct Row: Sendable, Equatable {
    /// Column names in result order.
    public let columnNames: [String]
    /// Values in result order.
    public let values: [SQLValue]

    public init(columnNames: [String], values: [SQLValue]) {
        precondition(columnNames.count == values.count, "one value per column")
        self.columnNames = columnNames
        self.values = values
    }

    /// Number of columns.
    public var count: Int { values.count }

    /// The raw value at a zero-based column index.
    public func value(at index: Int) throws -> SQLValue {
        guard values.indices.contains(index) else { throw RowError.missingColumn("#\(index)") }
        return values[index]
    }

    /// The raw value of a named column (SQLite names are case-insensitive; first match wins).
    public func value(named name: String) throws -> SQLValue {
        if let i = columnNames.firstIndex(of: name) { return values[i] }
        let lower = name.lowercased()
        if let i = columnNames.firstIndex(where: { $0.lowercased() == lower }) { return values[i] }
        throw RowError.missingColumn(name)
    }

    /// Decodes a column by index; nil for NULL.
    public func get<T: SQLDecodable>(_ index: Int, as type: T.Type = T.self) throws -> T? {
        try Self.decode(try value(at: index), column: "#\(index)", as: type)
    }

    /// Decodes a column by name; nil for NULL.
    public func get<T: SQLDecodable>(_ name: String, as type: T.Type = T.self) throws -> T? {
        try Self.decode(try value(named: name), column: name, as: type)
    }

    /// `try row["name"] as String?`
    public subscript<T: SQLDecodable>(_ name: String) -> T? {
        get throws { try get(name, as: T.self) }
    }

    /// `try row[0] as Int64?`
    public subscript<T: SQLDecodable>(_ index: Int) -> T? {
        get throws { try get(index, as: T.self) }
    }

    /// Typed getters by name and by zero-based index: nil for NULL, `RowError` otherwise on failure.
    public func string(_ name: String) throws -> String? { try get(name) }
    public func int64(_ name: String) throws -> Int64? { try get(name) }
    public func int(_ name: String) throws -> Int? { try get(name) }
    public func double(_ name: String) throws -> Double? { try get(name) }
    public func bool(_ name: String) throws -> Bool? { try get(name) }
    public func blob(_ name: String) throws -> [UInt8]? { try get(name) }
    public func string(_ index: Int) throws -> String? { try get(index) }
    public func int64(_ index: Int) throws -> Int64? { try get(index) }
    public func int(_ index: Int) throws -> Int? { try get(index) }
    public func double(_ index: Int) throws -> Double? { try get(index) }
    public func bool(_ index: Int) throws -> Bool? { try get(index) }
    public func blob(_ index: Int) throws -> [UInt8]? { try get(index) }

    /// True when the named column holds SQL NULL.
    public func isNull(_ name: String) throws -> Bool { try value(named: name) == .null }

    private static func decode<T: SQLDecodable>(_ value: SQLValue, column: String, as type: T.Type) throws -> T? {
        if value == .null { return nil }
        guard let decoded = T.decode(from: value) else {
            throw RowError.typeMismatch(column: column, expected: String(describing: T.self), stored: value.storageClass)
        }
        return decoded
    }
}

// The synthesized description would print every value of the row.
extension Row: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String {
        "Row(" + zip(columnNames, values).map { "\($0): \($1.storageClass)" }.joined(separator: ", ") + ")"
    }
    public var debugDescription: String { description }
}

/// Reading a column failed. Names the column and storage class only.
public enum RowError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No column has this name (or index, written `#n`).
    case missingColumn(String)
    /// The stored value's class cannot become the requested Swift type.
    case typeMismatch(column: String, expected: String, stored: String)
    /// A column the table declares NOT NULL (or the query promises) held NULL.
    case nullInRequiredColumn(column: String, table: String)
    /// The column held a word the type it is read as does not know (a state, a role).
    case unexpectedValue(column: String, table: String, expected: String)

    public var description: String {
        switch self {
        case .missingColumn(let c): "no column named \(c) in the row"
        case .typeMismatch(let c, let e, let s): "column \(c) holds \(s), cannot read it as \(e)"
        case .nullInRequiredColumn(let c, let t): "column \(c) of table \(t) is NULL, but a value is required"
        case .unexpectedValue(let c, let t, let e): "column \(c) of table \(t) holds a value that is not a \(e)"
        }
    }
}
