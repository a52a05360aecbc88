/// Parses a header value of the form `value *( ";" name "=" ( token / quoted-string ) )`,
/// as used by Content-Type (RFC 9110 §5.6.6) and Content-Disposition (RFC 6266 §4.1).
enum MultipartHeaderParameters {
    struct Parsed: Equatable {
        /// The leading value (`multipart/form-data`, `form-data`), lowercased.
        var value: String
        /// Parameters in order, names lowercased, values unquoted.
        var parameters: [(name: String, value: String)]

        func parameter(_ name: String) -> String? {
            parameters.first { $0.name == name }?.value
        }

        static func == (lhs: Parsed, rhs: Parsed) -> Bool {
            lhs.value == rhs.value
                && lhs.parameters.elementsEqual(rhs.parameters) { $0 == $1 }
        }
    }

    static func parse(_ header: String, what: String) throws(FormError) -> Parsed {
        let bytes = Array(header.utf8)
        var index = 0
        func skipWhitespace() {
            while index < bytes.count, bytes[index] == .space || bytes[index] == .tab { index += 1 }
        }

        skipWhitespace()
        let valueStart = index
        while index < bytes.count, isTokenByte(bytes[index]) || bytes[index] == UInt8(ascii: "/") {
            index += 1
        }
        guard index > valueStart else {
            throw .badRequest("\(what) header has no value")
        }
        let value = String(decoding: bytes[valueStart..<index], as: UTF8.self).lowercased()
        var parameters: [(name: String, value: String)] = []
        var seen: Set<String> = []

        while true {
            skipWhitespace()
            if index == bytes.count { break }
            guard bytes[index] == UInt8(ascii: ";") else {
                throw .badRequest("\(what) header: expected ';' between parameters")
            }
            index += 1
            skipWhitespace()
            // A trailing or doubled ';' carries no parameter; real clients send it now and then.
            if index == bytes.count || bytes[index] == UInt8(ascii: ";") { continue }
            let nameStart = index
            while index < bytes.count, isTokenByte(bytes[index]) { index += 1 }
            guard index > nameStart else {
                throw .badRequest("\(what) header: a parameter has no name")
            }
            let name = String(decoding: bytes[nameStart..<index], as: UTF8.self).lowercased()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "=") else {
                throw .badRequest("\(what) header: parameter '\(name)' needs '=value'")
            }
            index += 1
            skipWhitespace()
            let parameterValue: String
            if index < bytes.count, bytes[index] == UInt8(ascii: "\"") {
                parameterValue = try quotedString(bytes, &index, what: what)
            } else {
                let start = index
                // Unquoted: token characters, plus UTF-8 that some clients leave unquoted.
                while index < bytes.count, isTokenByte(bytes[index]) || bytes[index] >= 0x80 {
                    index += 1
                }
                guard index > start else {
                    throw .badRequest("\(what) header: parameter '\(name)' has an empty or invalid value")
                }
                parameterValue = String(decoding: bytes[start..<index], as: UTF8.self)
            }
            // Two values for one parameter let two readers of the same part disagree on which
            // counts (a classic filter bypass), so neither is taken.
            guard seen.insert(name).inserted else {
                throw .badRequest("\(what) header: parameter '\(name)' appears twice")
            }
            parameters.append((name: name, value: parameterValue))
        }
        return Parsed(value: value, parameters: parameters)
    }

    /// RFC 9110 §5.6.4 quoted-string. A backslash only escapes `"` or `\`: browsers do not
    /// escape at all (they percent-encode `"` as %22), and old clients send Windows paths
    /// such as `C:\Users\x\a.pdf` verbatim, whose backslashes must survive so the file name
    /// sanitiser can find the last path component.
    private static func quotedString(
        _ bytes: [UInt8], _ index: inout Int, what: String
    ) throws(FormError) -> String {
        index += 1  // opening quote
        var out: [UInt8] = []
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                if index < bytes.count, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "\\") {
                    out.append(bytes[index])
                    index += 1
                } else {
                    out.append(byte)
                }
            case .tab, 0x20...0x7E, 0x80...0xFF:
                out.append(byte)
            default:
                throw .badRequest("\(what) header: control character inside a quoted value")
            }
        }
        throw .badRequest("\(what) header: quoted value is missing its closing '\"'")
    }

    /// RFC 9110 §5.6.2 tchar.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
             UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
             UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }
}

extension UInt8 {
    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")
    static let cr = UInt8(ascii: "\r")
    static let lf = UInt8(ascii: "\n")
    static let dash = UInt8(ascii: "-")
}
