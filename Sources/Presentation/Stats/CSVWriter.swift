/// CSV for spreadsheets (RFC 4180, CRLF line ends), written for the programs people actually open
/// it with: a UTF-8 byte-order mark, without which Excel reads Chinese as mojibake, and every
/// field that a spreadsheet would take for a formula defused with a leading apostrophe (OWASP's
/// CSV-injection advice), since a category name is configured text and could be `=HYPERLINK(…)`.
public enum CSVWriter {
    static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// Characters that make Excel, LibreOffice or Sheets start a formula (tab and carriage
    /// return too: some importers strip them and then see the `=` behind).
    static let formulaStarts: Set<Character> = ["=", "+", "-", "@", "\t", "\r"]

    static func field(_ value: String) -> String {
        var text = value
        if let first = text.first, formulaStarts.contains(first) { text = "'" + text }
        guard text.contains(where: { $0 == "\"" || $0 == "," || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    public static func document(_ rows: [[String]]) -> [UInt8] {
        var out = byteOrderMark
        for row in rows {
            out += Array((row.map(field).joined(separator: ",") + "\r\n").utf8)
        }
        return out
    }
}
