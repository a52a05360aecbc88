import Foundation

/// A Swift type that can be bound to a statement parameter.
public protocol SQLBindable {
    /// The value SQLite stores for this Swift value.
    var sqlValue: SQLValue { get }
}

/// A Swift type that can be read back from a non-NULL column value.
public protocol SQLDecodable {
    /// Returns nil when the stored value has a storage class this type does not accept.
    static func decode(from value: SQLValue) -> Self?
}

extension SQLValue: SQLBindable, SQLDecodable {
    public var sqlValue: SQLValue { self }
    public static func decode(from value: SQLValue) -> SQLValue? { value }
}

extension Int64: SQLBindable, SQLDecodable {
    public var sqlValue: SQLValue { .integer(self) }
    public static func decode(from value: SQLValue) -> Int64? {
        if case .integer(let v) = value { return v }
        return nil
    }
}

extension Int: SQLBindable, SQLDecodable {
    public var sqlValue: SQLValue { .integer(Int64(self)) }
    public static func decode(from value: SQLValue) -> Int? {
        if case .integer(let v) = value { return Int(exactly: v) }
        return nil
    }
}

extension Bool: SQLBindable, SQLDecodable {
    public var sqlValue: SQLValue { .integer(self ? 1 : 0) }
    public static func decode(from value: SQLValue) -> Bool? {
        if case .integer(let v) = value { return v != 0 }
        return nil
    }
}

extension Double: SQLBindable, SQLDecodable {
    public var sqlValue: SQLValue { .real(self) }
    // An INTEGER is accepted: SQLite stores whole REALs in untyped columns as integers.
    public static func decode(from value: SQLValue) -> Double? {
        switch value {
        case .real(let v): v
        case .integer(let v): Double(v)
        default: nil
        }
    }
}

extension String: SQLBindable, SQLDecodable {
    public var sqlValue: SQLValue { .text(self) }
    public static func decode(from value: SQLValue) -> String? {
        if case .text(let v) = value { return v }
        return nil
    }
}

extension Array: SQLBindable, SQLDecodable where Element == UInt8 {
    public var sqlValue: SQLValue { .blob(self) }
    public static func decode(from value: SQLValue) -> [UInt8]? {
        if case .blob(let v) = value { return v }
        return nil
    }
}

extension Data: SQLBindable, SQLDecodable {
    public var sqlValue: SQLValue { .blob([UInt8](self)) }
    public static func decode(from value: SQLValue) -> Data? {
        if case .blob(let v) = value { return Data(v) }
        return nil
    }
}

extension Optional: SQLBindable where Wrapped: SQLBindable {
    public var sqlValue: SQLValue { self?.sqlValue ?? .null }
}
