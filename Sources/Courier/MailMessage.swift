import COpenSSL
import Foundation

/// A plain-text message with exactly the RFC 5322 header fields Candor needs — From, To,
/// Subject, Date, Message-ID, MIME-Version, Content-Type and Content-Transfer-Encoding — and
/// nothing else: no User-Agent, no X- fields, no Received trail of our own to leak anything.
public struct MailMessage: Sendable, Equatable {
    public var from: MailAddress
    public var to: MailAddress
    public var subject: String
    public var body: String
    /// Seconds since 1970.
    public var date: Int64
    /// The zone the Date field is written in, minutes east of UTC.
    public var utcOffsetMinutes: Int
    /// Without the angle brackets.
    public var messageID: String

    public init(from: MailAddress, to: MailAddress, subject: String, body: String, date: Int64,
                utcOffsetMinutes: Int = 0, messageID: String? = nil) {
        self.from = from
        self.to = to
        self.subject = subject
        self.body = body
        self.date = date
        self.utcOffsetMinutes = utcOffsetMinutes
        self.messageID = messageID ?? MailMessage.newMessageID(domain: from.domain)
    }

    /// 32 hex digits from the OpenSSL generator: a fixed length, so that every notice is the
    /// same size, and unguessable, so that it names nothing.
    public static func newMessageID(domain: String) -> String {
        var bytes = [UInt8](repeating: 0, count: 16)
        if RAND_bytes(&bytes, Int32(bytes.count)) != 1 {
            // Uniqueness, not secrecy, is what a Message-ID needs; fall back to the system source.
            for i in bytes.indices { bytes[i] = UInt8.random(in: 0...255) }
        }
        return bytes.map { String(format: "%02x", $0) }.joined() + "@" + domain
    }

    /// The message as it goes on the wire: CRLF line ends, headers, a blank line, the body in
    /// base64 (76-character lines), since the text is UTF-8 and Chinese.
    public func rendered() throws -> [UInt8] {
        guard !subject.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" }) else {
            throw CourierError.invalidMessage("the subject holds a line break")
        }
        var lines = [
            "From: \(from.value)",
            "To: \(to.value)",
            "Subject: \(MailMessage.encodedWords(subject))",
            "Date: \(MailMessage.rfc5322Date(date, offsetMinutes: utcOffsetMinutes))",
            "Message-ID: <\(messageID)>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: base64",
            "",
        ]
        let normalised = body.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n")
        let encoded = Data(normalised.utf8).base64EncodedString()
        var index = encoded.startIndex
        while index < encoded.endIndex {
            let end = encoded.index(index, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex
            lines.append(String(encoded[index..<end]))
            index = end
        }
        return Array((lines.joined(separator: "\r\n") + "\r\n").utf8)
    }

    /// RFC 2047 encoded words, each at most 39 bytes of UTF-8 (52 base64 characters) so that
    /// even the first line, after "Subject: ", stays under 78; a character is never split.
    static func encodedWords(_ text: String) -> String {
        if text.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) && !text.contains("=?") { return text }
        var words: [[UInt8]] = []
        var chunk: [UInt8] = []
        for character in text {
            let bytes = Array(String(character).utf8)
            if chunk.count + bytes.count > 39 {
                words.append(chunk)
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append(chunk) }
        return words.map { "=?UTF-8?B?" + Data($0).base64EncodedString() + "?=" }.joined(separator: "\r\n ")
    }

    /// `Sun, 29 Nov 2026 12:07:58 +0800`, day always two digits: a fixed width, so that the
    /// Date field never makes one notice longer than another.
    static func rfc5322Date(_ unix: Int64, offsetMinutes: Int) -> String {
        let local = unix + Int64(offsetMinutes) * 60
        let days = Int64((Double(local) / 86400).rounded(.down))
        let seconds = local - days * 86400
        // Civil-from-days (H. Hinnant), proleptic Gregorian.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        let weekday = ((days % 7) + 7 + 4) % 7   // 1970-01-01 was a Thursday
        let names = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let sign = offsetMinutes < 0 ? "-" : "+"
        let off = abs(offsetMinutes)
        return names[Int(weekday)] + ", " + String(format: "%02d", Int(day)) + " " + months[Int(month) - 1] + " "
            + String(format: "%04d %02d:%02d:%02d", Int(year), Int(seconds / 3600), Int(seconds % 3600 / 60), Int(seconds % 60))
            + " " + sign + String(format: "%02d%02d", off / 60, off % 60)
    }
}
