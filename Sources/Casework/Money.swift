/// An amount of money in fen (分, 1/100 yuan). Integer only: a reward band edge must not depend
/// on how a binary float rounds 49,999.99.
public struct Fen: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let value: Int64

    public init(_ value: Int64) { self.value = value }

    public static func yuan(_ yuan: Int64) -> Fen { Fen(yuan * 100) }

    public struct ParseError: Error, Equatable, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// Parses what a person writes for an amount in yuan: `50000`, `49,999.99`, `49999.9`,
    /// `５００００`, `￥1,000`. At most two decimals; no sign; at most 10^15 yuan.
    public init(parsingYuan input: String) throws(ParseError) {
        var whole: Int64 = 0
        var frac: Int64 = 0
        var fracDigits = 0
        var sawDigit = false
        var sawPoint = false
        for scalar in input.unicodeScalars {
            var v = scalar.value
            if (0xFF10...0xFF19).contains(v) { v = v - 0xFF10 + 0x30 }
            switch v {
            case 0x30...0x39:
                let d = Int64(v - 0x30)
                if sawPoint {
                    fracDigits += 1
                    guard fracDigits <= 2 else { throw ParseError(description: "Give the amount in yuan with at most two decimals (fen).") }
                    frac = frac * 10 + d
                } else {
                    guard whole <= 100_000_000_000_000 else { throw ParseError(description: "The amount is too large.") }
                    whole = whole * 10 + d
                }
                sawDigit = true
            case 0x2E, 0xFF0E, 0x3002:
                guard !sawPoint else { throw ParseError(description: "The amount has more than one decimal point.") }
                sawPoint = true
            case 0x2C, 0xFF0C, 0x20, 0x3000, 0xA5, 0xFFE5:
                continue // thousands separators, spaces, ¥ and ￥
            default:
                throw ParseError(description: "Write the amount in yuan with digits only, for example 12000 or 12,000.50.")
            }
        }
        guard sawDigit else { throw ParseError(description: "Give an amount in yuan.") }
        if fracDigits == 1 { frac *= 10 }
        value = whole * 100 + frac
    }

    /// `49,999.99`
    public var yuanText: String {
        let whole = value / 100
        let frac = value % 100
        var digits = Array(String(whole))
        var grouped: [Character] = []
        while digits.count > 3 {
            grouped.insert(contentsOf: [","] + digits.suffix(3), at: 0)
            digits.removeLast(3)
        }
        grouped.insert(contentsOf: digits, at: 0)
        return String(grouped) + "." + (frac < 10 ? "0" : "") + String(frac)
    }

    public var description: String { "¥" + yuanText }
    public static func < (a: Fen, b: Fen) -> Bool { a.value < b.value }

    public init(from decoder: any Decoder) throws {
        value = try decoder.singleValueContainer().decode(Int64.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(value)
    }
}
