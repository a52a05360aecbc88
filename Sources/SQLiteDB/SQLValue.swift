import Foundation

/// One SQLite value, as stored: SQLite has exactly these five storage classes.
public enum SQLValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])

    /// Converts any bindable Swift value.
    public init(_ value: some SQLBindable) {
        self = value.sqlValue
    }

    /// The storage class name (`"TEXT"`, `"BLOB"`...), safe to put in an error: it is not the value.
    public var storageClass: String {
        switch self {
        case .null: "NULL"
        case .integer: "INTEGER"
        case .real: "REAL"
        case .text: "TEXT"
        case .blob: "BLOB"
        }
    }
}

// Literals keep binding arrays short: `["alice", 42, nil]`.
extension SQLValue: ExpressibleByNilLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByStringLiteral, ExpressibleByBooleanLiteral {
    public init(nilLiteral: ()) { self = .null }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(floatLiteral value: Double) { self = .real(value) }
    public init(stringLiteral value: String) { self = .text(value) }
    public init(booleanLiteral value: Bool) { self = .integer(value ? 1 : 0) }
}

// The enum's synthesized description would print the value; an SQLValue is often a secret.
extension SQLValue: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String { "SQLValue(\(storageClass))" }
    public var debugDescription: String { description }
}
