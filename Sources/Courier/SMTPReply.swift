/// One SMTP reply (RFC 5321 §4.2): a three-digit code and its text lines, joined.
public struct SMTPReply: Equatable, Sendable, CustomStringConvertible {
    public let code: Int
    public let lines: [String]

    public init(code: Int, lines: [String]) {
        self.code = code
        self.lines = lines
    }

    public var text: String { lines.joined(separator: " / ") }
    public var description: String { "\(code) \(text)" }
    public var isPositive: Bool { (200..<400).contains(code) }

    /// Parses one reply line: `250-text` (more follow) or `250 text` (last). Returns the code,
    /// whether it is the last line, and the text; nil for anything else.
    static func parseLine(_ line: String) -> (code: Int, last: Bool, text: String)? {
        let chars = Array(line.utf8)
        guard chars.count >= 3, chars[0...2].allSatisfy({ (0x30...0x39).contains($0) }),
              let code = Int(String(decoding: chars[0...2], as: UTF8.self)), (200...599).contains(code) else { return nil }
        if chars.count == 3 { return (code, true, "") }
        guard chars[3] == 0x20 || chars[3] == 0x2D else { return nil }
        return (code, chars[3] == 0x20, String(decoding: chars[4...], as: UTF8.self))
    }
}
