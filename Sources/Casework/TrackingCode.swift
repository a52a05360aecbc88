/// The reporter's tracking code (查询码): 20 random decimal digits (log2(10^20) ≈ 66.4 bits,
/// DESIGN.md asks for at least 64) and one Damm check digit, shown in groups of four.
///
/// Damm's check digit catches every single mistyped digit and every swap of two neighbouring
/// digits, so a typo is answered "check the code" at once, before any key derivation or lookup.
/// Casework knows nothing of OpenSSL: the caller lends it a source of random bytes (RAND_bytes).
public struct TrackingCode: Hashable, Sendable {
    public static let randomDigitCount = 20
    public static let length = randomDigitCount + 1

    /// The 21 digits, ASCII, no separators. This is the secret: never log it.
    public let digits: String

    /// Draws 20 uniform digits by rejection sampling (bytes ≥ 250 are dropped so that no digit
    /// is more likely than another).
    public static func generate(randomBytes: (Int) throws -> [UInt8]) rethrows -> TrackingCode {
        var out: [UInt8] = []
        out.reserveCapacity(length)
        while out.count < randomDigitCount {
            for b in try randomBytes(32) where b < 250 && out.count < randomDigitCount {
                out.append(b % 10)
            }
        }
        out.append(damm(out))
        return TrackingCode(unchecked: String(decoding: out.map { $0 + 48 }, as: UTF8.self))
    }

    private init(unchecked digits: String) { self.digits = digits }

    public enum ParseError: Error, Equatable, Sendable {
        /// Wrong number of digits, or a character that is not a digit or a separator.
        case malformed
        /// The check digit does not match: a digit was mistyped or two were swapped.
        case checkDigitMismatch
    }

    /// Accepts what a person types: spaces, hyphens, full-width digits (a Chinese input method
    /// produces ０–９) and full-width separators are folded away.
    public init(parsing input: String) throws(ParseError) {
        var values: [UInt8] = []
        for scalar in input.unicodeScalars {
            switch scalar.value {
            case 0x30...0x39: values.append(UInt8(scalar.value - 0x30))
            case 0xFF10...0xFF19: values.append(UInt8(scalar.value - 0xFF10))
            case 0x20, 0x2D, 0x09, 0x3000, 0xFF0D, 0x2010...0x2015: continue
            default: throw .malformed
            }
            if values.count > TrackingCode.length { throw .malformed }
        }
        guard values.count == TrackingCode.length else { throw .malformed }
        guard TrackingCode.damm(values) == 0 else { throw .checkDigitMismatch }
        digits = String(decoding: values.map { $0 + 48 }, as: UTF8.self)
    }

    /// `1234 5678 9012 3456 7890 1`: groups of four, the check digit alone at the end.
    public var grouped: String {
        var s = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && i % 4 == 0 { s.append(" ") }
            s.append(c)
        }
        return s
    }

    // Damm's quasigroup of order 10 (H. M. Damm, 2004): weakly totally anti-symmetric, so every
    // single-digit error and every adjacent transposition changes the interim digit.
    private static let table: [[UInt8]] = [
        [0, 3, 1, 7, 5, 9, 8, 6, 4, 2],
        [7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
        [4, 2, 0, 6, 8, 7, 1, 3, 5, 9],
        [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
        [6, 1, 2, 3, 0, 4, 5, 9, 7, 8],
        [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
        [5, 8, 6, 9, 7, 2, 0, 1, 3, 4],
        [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
        [9, 4, 3, 8, 6, 1, 7, 2, 0, 5],
        [2, 5, 8, 1, 4, 3, 6, 7, 9, 0],
    ]

    /// The interim digit over `values`: appended as the check digit, and 0 over a valid code.
    static func damm(_ values: [UInt8]) -> UInt8 {
        var interim: UInt8 = 0
        for v in values { interim = table[Int(interim)][Int(v)] }
        return interim
    }
}

extension TrackingCode: CustomStringConvertible, CustomDebugStringConvertible {
    /// Redacted, so that string interpolation into a log line cannot leak it.
    public var description: String { "TrackingCode(redacted)" }
    public var debugDescription: String { description }
}
