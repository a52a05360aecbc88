/// Percent-decoding (RFC 3986 §2.1) over raw bytes. Returns nil for a malformed escape, so a
/// caller can refuse the request rather than guess what the client meant.
func percentDecode<C: Collection>(_ bytes: C, plusAsSpace: Bool = false) -> [UInt8]? where C.Element == UInt8 {
    var out = [UInt8]()
    out.reserveCapacity(bytes.count)
    var i = bytes.startIndex
    while i != bytes.endIndex {
        let c = bytes[i]
        if c == 0x25 {  // '%'
            let h = bytes.index(after: i)
            guard h != bytes.endIndex else { return nil }
            let l = bytes.index(after: h)
            guard l != bytes.endIndex, let hi = hexValue(bytes[h]), let lo = hexValue(bytes[l]) else { return nil }
            out.append(hi << 4 | lo)
            i = bytes.index(after: l)
        } else {
            out.append(plusAsSpace && c == 0x2B ? 0x20 : c)
            i = bytes.index(after: i)
        }
    }
    return out
}

@inline(__always)
func hexValue(_ c: UInt8) -> UInt8? {
    switch c {
    case 0x30...0x39: return c - 0x30
    case 0x41...0x46: return c - 0x41 + 10
    case 0x61...0x66: return c - 0x61 + 10
    default: return nil
    }
}

/// Decoded bytes become a String only when they are valid UTF-8: a lossy repair would let two
/// different requests reach a handler as the same path.
func strictUTF8(_ bytes: [UInt8]) -> String? {
    String(validating: bytes, as: UTF8.self)
}

/// A query string's `name=value` pairs, in order, repeats kept (application/x-www-form-urlencoded
/// rules: '+' is a space). Malformed pairs are skipped rather than failing the whole request.
public enum QueryString {
    public static func parse(_ query: String) -> [(name: String, value: String)] {
        var items: [(name: String, value: String)] = []
        for pair in query.utf8.split(separator: 0x26, omittingEmptySubsequences: true) {  // '&'
            let eq = pair.firstIndex(of: 0x3D)  // '='
            let rawName = eq.map { pair[pair.startIndex..<$0] } ?? pair[...]
            let rawValue = eq.map { pair[pair.index(after: $0)...] } ?? pair[pair.endIndex...]
            guard let n = percentDecode(rawName, plusAsSpace: true).flatMap(strictUTF8),
                  let v = percentDecode(rawValue, plusAsSpace: true).flatMap(strictUTF8) else { continue }
            items.append((n, v))
        }
        return items
    }
}
