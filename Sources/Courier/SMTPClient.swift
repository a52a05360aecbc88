import Foundation

/// An RFC 5321 client for one message per connection: EHLO, STARTTLS (RFC 3207), EHLO again,
/// AUTH PLAIN or LOGIN (RFC 4954) only inside TLS, MAIL FROM, RCPT TO, DATA with dot-stuffing,
/// QUIT. One connection per message keeps the state small and a failure confined to one notice;
/// notices are few.
public struct SMTPClient: MailTransport {
    public let configuration: SMTPConfiguration

    public init(configuration: SMTPConfiguration) { self.configuration = configuration }

    public func send(_ message: MailMessage) throws {
        let data = try message.rendered()
        let session = try Session(configuration: configuration)
        try session.deliver(from: message.from, to: message.to, data: data)
    }

    /// One dialogue with the server.
    final class Session {
        let configuration: SMTPConfiguration
        let socket: SocketConnection
        var channel: MailChannel
        var tls: ClientTLSSession?
        var pending: [UInt8] = []

        init(configuration: SMTPConfiguration) throws {
            self.configuration = configuration
            socket = try SocketConnection(host: configuration.host, port: configuration.port, timeout: configuration.timeout)
            channel = socket
        }

        var deadline: Double { SocketConnection.now() + configuration.timeout }

        func deliver(from: MailAddress, to: MailAddress, data: [UInt8]) throws {
            try expect(reply(step: "greeting"), 220, step: "greeting")
            var capabilities = try ehlo()
            if capabilities.contains("STARTTLS") {
                try expect(command("STARTTLS"), 220, step: "STARTTLS")
                guard pending.isEmpty else { throw CourierError.protocolError("the server sent data before the TLS handshake") }
                let context = try ClientTLSContext(pinnedCAFile: configuration.pinnedCAFile)
                let session = try ClientTLSSession(context: context, socket: socket, host: configuration.host, deadline: deadline)
                tls = session
                channel = session
                capabilities = try ehlo()
            } else if configuration.requireSTARTTLS {
                quit()
                throw CourierError.tls("\(configuration.host):\(configuration.port) does not offer STARTTLS, which the settings require")
            }
            if let user = configuration.user {
                guard tls != nil else {
                    quit()
                    throw CourierError.tls("refusing to send the SMTP password without TLS")
                }
                try authenticate(user: user, password: configuration.password ?? "", mechanisms: capabilities)
            }
            let sender = try command("MAIL FROM:<\(from.value)>")
            guard sender.code == 250 else { quit(); throw CourierError.senderRefused(sender) }
            let recipient = try command("RCPT TO:<\(to.value)>")
            guard recipient.code == 250 || recipient.code == 251 else { quit(); throw CourierError.recipientRefused(recipient) }
            try expect(command("DATA"), 354, step: "DATA")
            try channel.write(SMTPClient.dotStuffed(data), deadline: deadline, step: "message data")
            let accepted = try reply(step: "end of data")
            guard accepted.code == 250 else { quit(); throw CourierError.messageRefused(accepted) }
            quit()
        }

        /// EHLO; the capability keywords, upper-cased (`AUTH PLAIN LOGIN` → "AUTH", "AUTH PLAIN", …).
        func ehlo() throws -> Set<String> {
            let r = try command("EHLO \(configuration.heloName)")
            guard r.code == 250 else { throw CourierError.unexpectedReply(during: "EHLO", r) }
            var out: Set<String> = []
            for line in r.lines.dropFirst() {
                let words = line.uppercased().split(separator: " ").map(String.init)
                guard let keyword = words.first else { continue }
                out.insert(keyword)
                for parameter in words.dropFirst() { out.insert(keyword + " " + parameter) }
            }
            return out
        }

        func authenticate(user: String, password: String, mechanisms: Set<String>) throws {
            if mechanisms.contains("AUTH PLAIN") {
                let token = Data(([0] + Array(user.utf8) + [0] + Array(password.utf8))).base64EncodedString()
                let r = try command("AUTH PLAIN \(token)", step: "AUTH PLAIN")
                guard r.code == 235 else { quit(); throw CourierError.authRefused(r) }
            } else if mechanisms.contains("AUTH LOGIN") {
                try expect(command("AUTH LOGIN"), 334, step: "AUTH LOGIN")
                try expect(command(Data(user.utf8).base64EncodedString(), step: "AUTH LOGIN user"), 334, step: "AUTH LOGIN user")
                let r = try command(Data(password.utf8).base64EncodedString(), step: "AUTH LOGIN password")
                guard r.code == 235 else { quit(); throw CourierError.authRefused(r) }
            } else {
                quit()
                throw CourierError.authRefused(SMTPReply(code: 504, lines: ["the server offers neither AUTH PLAIN nor AUTH LOGIN"]))
            }
        }

        func expect(_ r: SMTPReply, _ code: Int, step: String) throws {
            guard r.code == code else {
                quit()
                throw CourierError.unexpectedReply(during: step, r)
            }
        }

        /// Sends one command line. `step` names it in errors; credentials are never in `step`.
        func command(_ line: String, step: String? = nil) throws -> SMTPReply {
            let name = step ?? String(line.prefix { $0 != " " && $0 != ":" })
            try channel.write(Array((line + "\r\n").utf8), deadline: deadline, step: name)
            return try reply(step: name)
        }

        /// Reads one reply, multi-line or not; at most 64 KiB of it.
        func reply(step: String) throws -> SMTPReply {
            var lines: [String] = []
            var code = 0
            // One deadline for the whole reply, so a server that drips bytes cannot stretch it.
            let until = deadline
            while true {
                let line = try readLine(step: step, until: until)
                guard let parsed = SMTPReply.parseLine(line), code == 0 || parsed.code == code else {
                    throw CourierError.protocolError("malformed reply during \(step): \(MailAddress.printable(line))")
                }
                code = parsed.code
                lines.append(parsed.text)
                if parsed.last { return SMTPReply(code: code, lines: lines) }
                guard lines.count < 200 else { throw CourierError.protocolError("reply too long during \(step)") }
            }
        }

        func readLine(step: String, until: Double) throws -> String {
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                if let lf = pending.firstIndex(of: 0x0A) {
                    var line = Array(pending[..<lf])
                    pending.removeSubrange(...lf)
                    if line.last == 0x0D { line.removeLast() }
                    return String(decoding: line, as: UTF8.self)
                }
                guard pending.count < 65536 else { throw CourierError.protocolError("reply line too long during \(step)") }
                let n = try channel.read(into: &buffer, deadline: until, step: step)
                guard n > 0 else { throw CourierError.protocolError("the server closed the connection during \(step)") }
                pending += buffer[0..<n]
            }
        }

        /// QUIT, best effort: the message is already accepted or already refused.
        func quit() {
            _ = try? command("QUIT")
            tls?.shutdown()
        }
    }

    /// RFC 5321 §4.5.2: every line that starts with "." gets another; bare CR and LF become
    /// CRLF; the data ends with CRLF.CRLF.
    static func dotStuffed(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(data.count + 64)
        var atLineStart = true
        var i = 0
        while i < data.count {
            let b = data[i]
            if b == 0x0D || b == 0x0A {
                out += [0x0D, 0x0A]
                if b == 0x0D && i + 1 < data.count && data[i + 1] == 0x0A { i += 1 }
                atLineStart = true
            } else {
                if atLineStart && b == 0x2E { out.append(0x2E) }
                out.append(b)
                atLineStart = false
            }
            i += 1
        }
        if !atLineStart { out += [0x0D, 0x0A] }
        return out + Array(".\r\n".utf8)
    }
}
