/// How staff are told that something waits for them in the console (`notifications` in
/// settings.json). The SMTP password is never here: only the path of a file that holds it.
public struct NotificationSettings: Equatable, Sendable, Codable {
    public enum Transport: String, Equatable, Sendable, Codable, CaseIterable {
        case none, smtp, sendmail
    }

    public var transport: Transport
    public var smtpHost: String
    public var smtpPort: Int
    /// Refuse to send unless the server offers STARTTLS.
    public var smtpStartTLSRequired: Bool
    public var smtpUser: String?
    /// A file holding the SMTP password (first line), readable by the server only.
    public var smtpPasswordFile: String?
    /// A PEM file of the one CA to trust, for a local relay with its own certificate; null:
    /// the system CA store.
    public var smtpCAFile: String?
    public var from: String
    /// The console's address as staff reach it; the only link a notice carries.
    public var consoleURL: String
    public var sendmailPath: String
    public var sendmailArgs: [String]
    /// The hour (0–23, in `utc_offset_minutes`) the daily digest goes out.
    public var digestHour: Int

    public init(transport: Transport = .none, smtpHost: String = "localhost", smtpPort: Int = 587,
                smtpStartTLSRequired: Bool = true, smtpUser: String? = nil, smtpPasswordFile: String? = nil,
                smtpCAFile: String? = nil, from: String = "candor@localhost.localdomain",
                consoleURL: String = "https://127.0.0.1:8080/console", sendmailPath: String = "/usr/sbin/sendmail",
                sendmailArgs: [String] = ["-t", "-i"], digestHour: Int = 8) {
        self.transport = transport
        self.smtpHost = smtpHost
        self.smtpPort = smtpPort
        self.smtpStartTLSRequired = smtpStartTLSRequired
        self.smtpUser = smtpUser
        self.smtpPasswordFile = smtpPasswordFile
        self.smtpCAFile = smtpCAFile
        self.from = from
        self.consoleURL = consoleURL
        self.sendmailPath = sendmailPath
        self.sendmailArgs = sendmailArgs
        self.digestHour = digestHour
    }

    enum CodingKeys: String, CodingKey {
        case transport
        case smtpHost = "smtp_host", smtpPort = "smtp_port", smtpStartTLSRequired = "smtp_starttls_required"
        case smtpUser = "smtp_user", smtpPasswordFile = "smtp_password_file", smtpCAFile = "smtp_ca_file"
        case from
        case consoleURL = "console_url"
        case sendmailPath = "sendmail_path", sendmailArgs = "sendmail_args"
        case digestHour = "digest_hour"
    }

    public var enabled: Bool { transport != .none }

    /// The reasons these settings cannot work, as `settings:` messages.
    public func problems() -> [String] {
        var out: [String] = []
        if !(0...23).contains(digestHour) { out.append("notifications.digest_hour must be 0–23") }
        guard enabled else { return out }
        if !(consoleURL.hasPrefix("https://") || consoleURL.hasPrefix("http://")) || consoleURL.contains(where: { $0.isWhitespace }) {
            out.append("notifications.console_url must be an http(s) address without spaces")
        }
        // Every notice is padded to one length; a longer link would make the padding fail.
        if consoleURL.utf8.count > 400 { out.append("notifications.console_url is longer than 400 bytes") }
        let parts = from.split(separator: "@", omittingEmptySubsequences: false)
        if parts.count != 2 || parts[0].isEmpty || parts[1].isEmpty || from.contains(where: { $0.isWhitespace || $0 == "<" || $0 == ">" }) {
            out.append("notifications.from must be an address of the form name@domain")
        }
        switch transport {
        case .smtp:
            if smtpHost.isEmpty { out.append("notifications.smtp_host is empty") }
            if !(1...65535).contains(smtpPort) { out.append("notifications.smtp_port must be 1–65535") }
            if smtpUser != nil && smtpPasswordFile == nil { out.append("notifications.smtp_user needs notifications.smtp_password_file") }
        case .sendmail:
            if !sendmailPath.hasPrefix("/") { out.append("notifications.sendmail_path must be an absolute path") }
        case .none: break
        }
        return out
    }
}
