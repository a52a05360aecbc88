/// The boundary of a multipart/form-data body, taken from its Content-Type header.
enum MultipartBoundary {
    /// RFC 2046 §5.1.1: 1 to 70 `bchars`, not ending in a space. Anything else is refused
    /// rather than guessed at, since the boundary decides where every part starts.
    static func extract(fromContentType contentType: String) throws(FormError) -> [UInt8] {
        let parsed = try MultipartHeaderParameters.parse(contentType, what: "Content-Type")
        guard parsed.value == "multipart/form-data" else {
            throw .unsupportedMediaType("Content-Type must be multipart/form-data, not '\(parsed.value)'")
        }
        guard let boundary = parsed.parameter("boundary") else {
            throw .badRequest("Content-Type multipart/form-data needs a boundary parameter")
        }
        let bytes = Array(boundary.utf8)
        guard (1...70).contains(bytes.count) else {
            throw .badRequest("multipart boundary must be 1 to 70 characters long")
        }
        guard bytes.allSatisfy(isBoundaryByte), bytes.last != .space else {
            throw .badRequest("multipart boundary has a character RFC 2046 does not allow")
        }
        return bytes
    }

    /// RFC 2046 §5.1.1 bchars.
    static func isBoundaryByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "'"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "+"), UInt8(ascii: "_"),
             UInt8(ascii: ","), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "/"), UInt8(ascii: ":"),
             UInt8(ascii: "="), UInt8(ascii: "?"), UInt8(ascii: " "):
            return true
        default:
            return false
        }
    }
}
