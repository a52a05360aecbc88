/// A row read as a row of one table: a required column that holds NULL, or a value its type
/// cannot hold, throws an error that names the column and the table. A damaged or hand-edited
/// database then fails loudly at the read instead of turning into a 0 or "" that looks like data.
///
/// Like `Row`, the errors name columns, tables and storage classes, never the cell's content.
public struct ColumnReader: Sendable {
    public let row: Row
    /// The table the columns belong to, named in every error.
    public let table: String

    public init(_ row: Row, table: String) {
        self.row = row
        self.table = table
    }

    /// A NOT NULL column: throws `RowError.nullInRequiredColumn` for NULL.
    public func required<T: SQLDecodable>(_ column: String, as type: T.Type = T.self) throws -> T {
        guard let value = try optional(column, as: type) else {
            throw RowError.nullInRequiredColumn(column: column, table: table)
        }
        return value
    }

    /// A nullable column: nil for NULL, still throwing for a missing column or a mismatched class.
    public func optional<T: SQLDecodable>(_ column: String, as type: T.Type = T.self) throws -> T? {
        do {
            return try row.get(column, as: type)
        } catch let error as RowError {
            throw error.naming(table: table)
        }
    }

    /// A NOT NULL column holding one of a closed set of words (a state, a role): an unknown word
    /// throws `RowError.unexpectedValue` rather than fall back to some default.
    public func required<T: RawRepresentable>(_ column: String, as type: T.Type) throws -> T where T.RawValue: SQLDecodable {
        guard let value = try optional(column, as: type) else {
            throw RowError.nullInRequiredColumn(column: column, table: table)
        }
        return value
    }

    /// A nullable column of words: nil for NULL, throws for a word `T` does not know.
    public func optional<T: RawRepresentable>(_ column: String, as type: T.Type) throws -> T? where T.RawValue: SQLDecodable {
        guard let raw = try optional(column, as: T.RawValue.self) else { return nil }
        guard let value = T(rawValue: raw) else {
            throw RowError.unexpectedValue(column: column, table: table, expected: String(describing: T.self))
        }
        return value
    }
}

extension Row {
    /// This row's columns as columns of `table`, for reads that must not default.
    public func reader(table: String) -> ColumnReader { ColumnReader(self, table: table) }

    /// `row.required(Int64.self, "state", table: "cases")`: one required column, throwing an
    /// error that names it and its table for NULL.
    public func required<T: SQLDecodable>(_ type: T.Type, _ column: String, table: String) throws -> T {
        try ColumnReader(self, table: table).required(column, as: type)
    }
}

extension RowError {
    /// The same failure, the column qualified by its table.
    func naming(table: String) -> RowError {
        switch self {
        case .missingColumn(let c): .missingColumn("\(table).\(c)")
        case .typeMismatch(let c, let e, let s): .typeMismatch(column: "\(table).\(c)", expected: e, stored: s)
        default: self
        }
    }
}
