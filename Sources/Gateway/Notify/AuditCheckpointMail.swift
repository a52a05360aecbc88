import Casefile
import Casework
import Courier
import Foundation

/// The daily audit checkpoint by mail (issue 14, finding 3): a copy of the log's count and head
/// outside the server, in the auditors' mailboxes, so that a log cut or re-chained later is
/// found by pasting an older mail into the audit page. The line is sealed (one fixed length,
/// nothing readable), so a reader of the mailbox learns nothing of the activity it counts.
enum AuditCheckpointMail {
    static let subject = "审计日志检查点 / Audit log checkpoint"

    static func body(sealed: String, consoleURL: String) -> String {
        NoticeMail.padded("""
            请保留此邮件。核对审计日志时，将下面一行粘贴到控制台的审计日志页面。\r
            Keep this mail. To check the audit log, paste the line below into the console's audit log page.\r
            \r
            \(sealed)\r
            \r
            \(consoleURL)\r

            """)
    }
}

extension Ledger {
    /// The day whose checkpoint is due now: mail is configured and the digest hour has come
    /// (the checkpoint goes out with the digests); nil otherwise.
    func auditCheckpointDay(now: Int64) -> Int? {
        let settings = self.settings
        guard settings.notifications.enabled else { return nil }
        let offset = Int64(settings.utcOffsetMinutes) * 60
        guard Int(((now + offset) % 86400 + 86400) % 86400 / 3600) >= settings.notifications.digestHour else { return nil }
        return Day(unixTime: now, offsetSeconds: Int(offset)).ordinal
    }

    /// Mails today's checkpoint to each auditor with an address who has not had it. Returns
    /// true when every one has it (or there is no one), false when a send failed and a later
    /// pass should try again. A broken log is not certified: nothing is sent, and it says so
    /// by throwing the break (the auditor's verify shows where).
    public func mailAuditCheckpoints(transport: MailTransport, now: Int64) throws -> Bool {
        guard let day = auditCheckpointDay(now: now) else { return true }
        let pending = try auditCheckpointRecipients().filter { try !auditCheckpointMailed(accountID: $0.accountID, day: day) }
        guard !pending.isEmpty else { return true }
        let sealed = try sealedAuditCheckpoint().sealed
        let settings = self.settings
        var complete = true
        for recipient in pending {
            do {
                try transport.send(MailMessage(from: try MailAddress(settings.notifications.from), to: try MailAddress(recipient.email),
                                               subject: AuditCheckpointMail.subject,
                                               body: AuditCheckpointMail.body(sealed: sealed, consoleURL: settings.notifications.consoleURL),
                                               date: now, utcOffsetMinutes: settings.utcOffsetMinutes))
                try recordAuditCheckpointMailed(accountID: recipient.accountID, day: day)
            } catch {
                complete = false
            }
        }
        return complete
    }
}
