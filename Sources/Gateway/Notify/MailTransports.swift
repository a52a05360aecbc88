import Casework
import Courier
import Foundation

/// The transport the settings name, with the SMTP password read from its file here — never
/// from settings.json, never kept anywhere but in the transport.
public enum MailTransports {
    public struct Problem: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// nil when notifications are off.
    public static func make(_ settings: NotificationSettings) throws -> MailTransport? {
        switch settings.transport {
        case .none:
            return nil
        case .sendmail:
            return SendmailTransport(path: settings.sendmailPath, arguments: settings.sendmailArgs)
        case .smtp:
            var password: String?
            if let file = settings.smtpPasswordFile {
                guard let data = FileManager.default.contents(atPath: file) else {
                    throw Problem(description: "cannot read notifications.smtp_password_file \(file)")
                }
                password = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
            }
            return SMTPClient(configuration: SMTPConfiguration(host: settings.smtpHost, port: settings.smtpPort,
                                                               requireSTARTTLS: settings.smtpStartTLSRequired, user: settings.smtpUser,
                                                               password: password, pinnedCAFile: settings.smtpCAFile))
        }
    }
}
