import Foundation

/// An e-mail address as Candor sends to it: `local@domain`, printable ASCII or UTF-8, without
/// the characters that would let it break out of a header or an SMTP command.
public struct MailAddress: Equatable, Hashable, Sendable, CustomStringConvertible {
    public let value: String

    public init(_ text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let parts = trimmed.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, trimmed.utf8.count <= 254,
              parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix(".") || parts[1] == "localhost" else {
            throw CourierError.invalidMessage("'\(MailAddress.printable(text))' is not an address of the form name@domain.example")
        }
        // CR, LF, NUL, spaces and the delimiters of SMTP paths and headers are refused outright.
        let forbidden: Set<Unicode.Scalar> = ["\r", "\n", "\0", " ", "\t", "<", ">", "(", ")", ",", ";", ":", "\\", "\"", "[", "]"]
        guard !trimmed.unicodeScalars.contains(where: { forbidden.contains($0) || $0.value < 0x20 || $0.value == 0x7F }) else {
            throw CourierError.invalidMessage("the address '\(MailAddress.printable(text))' holds a character an address may not")
        }
        value = trimmed
    }

    public var description: String { value }
    public var domain: String { String(value[value.index(after: value.lastIndex(of: "@")!)...]) }

    static func printable(_ text: String) -> String {
        String(text.unicodeScalars.prefix(80).map { $0.value < 0x20 || $0.value == 0x7F ? "?" : Character($0) })
    }
}
