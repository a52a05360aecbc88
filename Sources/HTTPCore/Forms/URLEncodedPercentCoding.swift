/// Percent-decoding and -encoding shared by the urlencoded parser and by RFC 8187
/// `filename*` values in multipart headers.
enum URLEncodedPercentCoding {
    /// Decodes `%XX` escapes; with `plusIsSpace`, `+` becomes a space (WHATWG URL,
    /// "application/x-www-form-urlencoded parsing", step 3).
    ///
    /// Stricter than WHATWG on purpose: the standard passes a malformed escape (`%`, `%4`,
    /// `%zz`) through literally, which lets two parsers of the same body disagree about its
    /// meaning. A gateway that stores evidence refuses it instead, so what is stored is what
    /// the client meant.
    static func decode<C: Collection>(_ bytes: C, plusIsSpace: Bool) throws(FormError) -> [UInt8]
    where C.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index != bytes.endIndex {
            let byte = bytes[index]
            bytes.formIndex(after: &index)
            switch byte {
            case UInt8(ascii: "%"):
                guard index != bytes.endIndex, let high = hexValue(bytes[index]) else {
                    throw .badRequest("malformed percent-escape: '%' must be followed by two hex digits")
                }
                bytes.formIndex(after: &index)
                guard index != bytes.endIndex, let low = hexValue(bytes[index]) else {
                    throw .badRequest("malformed percent-escape: '%' must be followed by two hex digits")
                }
                bytes.formIndex(after: &index)
                out.append(high << 4 | low)
            case UInt8(ascii: "+") where plusIsSpace:
                out.append(UInt8(ascii: " "))
            default:
                out.append(byte)
            }
        }
        return out
    }

    /// The WHATWG application/x-www-form-urlencoded percent-encode set: everything but ASCII
    /// alphanumerics and `*-._` is escaped, and space becomes `+`.
    static func encodeFormComponent(_ string: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(string.utf8.count)
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "*"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"):
                out.append(byte)
            case UInt8(ascii: " "):
                out.append(UInt8(ascii: "+"))
            default:
                out.append(UInt8(ascii: "%"))
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static let hexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// Strict UTF-8: WHATWG substitutes U+FFFD for invalid sequences, which silently changes
    /// the submitted text; refusing keeps stored reports byte-faithful.
    static func utf8String(_ bytes: [UInt8], what: String) throws(FormError) -> String {
        guard let string = String(validating: bytes, as: UTF8.self) else {
            throw .badRequest("\(what) is not valid UTF-8")
        }
        return string
    }
}
