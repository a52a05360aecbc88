import Casework
import Courier

/// The two notices, and nothing else. An immediate notice says only that something waits; the
/// daily digest says only to look. Neither names a case, a category, a register number, an
/// accused or a count, and each is padded to one fixed length, so the mail's content and size
/// tell a reader of the mailbox (or of the wire) nothing but that it was sent.
enum NoticeMail {
    enum Kind: String, Sendable { case immediate, digest }

    static let immediateSubject = "控制台有待办事项 / Something is waiting for you in the console"
    static let digestSubject = "控制台每日提醒 / Daily console reminder"
    /// Bytes of UTF-8 every body is padded to (before base64).
    static let bodyLength = 1024

    static func body(_ kind: Kind, consoleURL: String) -> String {
        let text: String
        switch kind {
        case .immediate:
            text = "控制台有待办事项。\r\nSomething is waiting for you in the console.\r\n\r\n\(consoleURL)\r\n"
        case .digest:
            text = "请打开控制台查看是否有待办事项。\r\nOpen the console to see whether anything is waiting.\r\n\r\n\(consoleURL)\r\n"
        }
        return padded(text)
    }

    /// Pads with spaces on a final line to exactly `bodyLength` bytes as sent (CRLF line ends);
    /// the settings check keeps the console URL short enough that the text always fits.
    static func padded(_ text: String) -> String {
        let used = text.utf8.count + 2
        guard used < bodyLength else { return text }
        return text + String(repeating: " ", count: bodyLength - used) + "\r\n"
    }

    static func message(_ kind: Kind, to address: String, settings: Settings, now: Int64) throws -> MailMessage {
        let n = settings.notifications
        return MailMessage(from: try MailAddress(n.from), to: try MailAddress(address),
                           subject: kind == .immediate ? immediateSubject : digestSubject,
                           body: body(kind, consoleURL: n.consoleURL), date: now, utcOffsetMinutes: settings.utcOffsetMinutes)
    }
}
