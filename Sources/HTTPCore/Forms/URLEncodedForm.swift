/// An application/x-www-form-urlencoded body as ordered name/value pairs.
///
/// Parsing follows the WHATWG URL standard's urlencoded parser (split on `&`, split each
/// sequence at the first `=`, `+` to space, percent-decode, UTF-8 decode) with three
/// deliberate refusals, all answered with 400: malformed percent-escapes, bytes that are not
/// valid UTF-8, and NUL anywhere. NUL has no business in a form field, and C-string APIs,
/// log viewers and databases further down would each cut or keep it differently.
public struct URLEncodedForm: Sendable, Equatable {
    public var pairs: [(name: String, value: String)]

    public init(pairs: [(name: String, value: String)] = []) {
        self.pairs = pairs
    }

    public init(_ bytes: [UInt8], limits: FormLimits = .init()) throws(FormError) {
        self.pairs = try Self.parse(bytes, limits: limits)
    }

    /// The value of the first pair called `name`, or nil.
    public func first(_ name: String) -> String? {
        pairs.first { $0.name == name }?.value
    }

    /// Every value of pairs called `name`, in body order.
    public func all(_ name: String) -> [String] {
        pairs.filter { $0.name == name }.map(\.value)
    }

    public static func == (lhs: URLEncodedForm, rhs: URLEncodedForm) -> Bool {
        lhs.pairs.elementsEqual(rhs.pairs) { $0.name == $1.name && $0.value == $1.value }
    }

    public static func parse(
        _ bytes: [UInt8], limits: FormLimits = .init()
    ) throws(FormError) -> [(name: String, value: String)] {
        guard bytes.count <= limits.maxTotalBytes else {
            throw .tooLarge("form body is over \(limits.maxTotalBytes) bytes; send less")
        }
        var pairs: [(name: String, value: String)] = []
        for sequence in bytes.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            guard pairs.count < limits.maxFields else {
                throw .tooLarge("form has more than \(limits.maxFields) fields; send fewer")
            }
            let rawName: ArraySlice<UInt8>
            let rawValue: ArraySlice<UInt8>
            if let equals = sequence.firstIndex(of: UInt8(ascii: "=")) {
                rawName = sequence[..<equals]
                rawValue = sequence[(equals + 1)...]
            } else {
                rawName = sequence
                rawValue = []
            }
            let name = try URLEncodedPercentCoding.decode(rawName, plusIsSpace: true)
            guard name.count <= limits.maxNameBytes else {
                throw .tooLarge("a field name is over \(limits.maxNameBytes) bytes; shorten it")
            }
            let value = try URLEncodedPercentCoding.decode(rawValue, plusIsSpace: true)
            guard value.count <= limits.maxValueBytes else {
                throw .tooLarge("field value is over \(limits.maxValueBytes) bytes; shorten it")
            }
            guard !name.contains(0), !value.contains(0) else {
                throw .badRequest("form fields must not contain NUL (%00)")
            }
            pairs.append((
                name: try URLEncodedPercentCoding.utf8String(name, what: "a field name"),
                value: try URLEncodedPercentCoding.utf8String(value, what: "a field value")
            ))
        }
        return pairs
    }

    /// The WHATWG urlencoded serializer, for tests and clients: `parse(serialize(p)) == p`
    /// for any pairs without NUL.
    public static func serialize(_ pairs: [(name: String, value: String)]) -> [UInt8] {
        let encoded = pairs.map {
            URLEncodedPercentCoding.encodeFormComponent($0.name) + "="
                + URLEncodedPercentCoding.encodeFormComponent($0.value)
        }
        return Array(encoded.joined(separator: "&").utf8)
    }

    public func serialized() -> [UInt8] {
        Self.serialize(pairs)
    }
}
