import SQLiteDB

extension Database {
    /// The one value a query must yield (a count, a NOT NULL column of a row just written):
    /// no row, or NULL, throws naming the column and the table rather than read as 0.
    func required<T: SQLDecodable>(_ sql: String, _ bindings: [SQLValue] = [], as type: T.Type,
                                   column: String, table: String) throws -> T {
        guard let row = try queryOne(sql, bindings) else {
            throw RowError.nullInRequiredColumn(column: column, table: table)
        }
        return try ColumnReader(row, table: table).required(column, as: type)
    }
}
