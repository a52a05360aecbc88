/// The register number of art. 6 (举报信息登记): `JB-2026-000123`, the year and the sequence of
/// arrival within it. Public to the department only; the reporter holds the tracking code instead.
public struct RegisterNumber: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let year: Int
    public let sequence: Int

    public init(year: Int, sequence: Int) {
        self.year = year
        self.sequence = sequence
    }

    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "JB", parts[1].count == 4, parts[2].count >= 6,
              parts[1].allSatisfy(\.isASCII), parts[2].allSatisfy(\.isASCII),
              let y = Int(parts[1]), let s = Int(parts[2]), s > 0 else { return nil }
        year = y
        sequence = s
    }

    public var description: String {
        let s = String(sequence)
        return "JB-\(year)-" + String(repeating: "0", count: max(0, 6 - s.count)) + s
    }

    public static func < (a: RegisterNumber, b: RegisterNumber) -> Bool {
        (a.year, a.sequence) < (b.year, b.sequence)
    }
}
