/// Base32 (RFC 4648 §6, alphabet A-Z 2-7), as used for TOTP secrets.
public enum Base32 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    /// Encodes `bytes`; with `padding` the output length is a multiple of 8 ('=' filled).
    public static func encode(_ bytes: [UInt8], padding: Bool = true) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 4) / 5 * 8)
        var buffer: UInt64 = 0
        var bits = 0
        for byte in bytes {
            buffer = buffer << 8 | UInt64(byte)
            bits += 8
            while bits >= 5 {
                out.append(alphabet[Int((buffer >> UInt64(bits - 5)) & 31)])
                bits -= 5
            }
        }
        if bits > 0 { out.append(alphabet[Int((buffer << UInt64(5 - bits)) & 31)]) }
        if padding { while out.count % 8 != 0 { out.append(UInt8(ascii: "=")) } }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes Base32, accepting lower case and missing padding; refuses any other character,
    /// misplaced padding, impossible lengths and non-zero trailing bits.
    public static func decode(_ string: String) throws -> [UInt8] {
        var symbols = Array(string.utf8)
        while symbols.last == UInt8(ascii: "=") { symbols.removeLast() }
        let what = "Base32"
        guard [0, 2, 4, 5, 7].contains(symbols.count % 8) else {
            throw VaultError.malformedInput(what: what, field: "length", reason: "\(symbols.count) symbols cannot end a group")
        }
        var out: [UInt8] = []
        var buffer: UInt64 = 0
        var bits = 0
        for symbol in symbols {
            let value: UInt8
            switch symbol {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = symbol - UInt8(ascii: "A")
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = symbol - UInt8(ascii: "a")
            case UInt8(ascii: "2")...UInt8(ascii: "7"): value = symbol - UInt8(ascii: "2") + 26
            default:
                throw VaultError.malformedInput(what: what, field: "character", reason: "'\(Character(Unicode.Scalar(symbol)))' is not in the Base32 alphabet")
            }
            buffer = buffer << 5 | UInt64(value)
            bits += 5
            if bits >= 8 {
                out.append(UInt8(truncatingIfNeeded: buffer >> UInt64(bits - 8)))
                bits -= 8
            }
        }
        guard buffer & ((1 << UInt64(bits)) - 1) == 0 else {
            throw VaultError.malformedInput(what: what, field: "final symbol", reason: "unused trailing bits are not zero")
        }
        return out
    }
}
