import Casework
import Foundation
import SQLiteDB
import Vault

/// Issue 17: reports about the top. When the accused is a principal leader of the company (the
/// department head, the chairman, the party secretary), the company's own chain cannot judge the
/// case impartially, and the rules for handling reports (纪检监察机关处理检举控告工作规则, art. 15)
/// send it to the body one level up. The ledger says when that is so, hands the case over as a
/// sealed export to a configured recipient, and records the hand-over in the case.
extension Ledger {
    /// A principal leader the case's accused may be: who, in which position, and on what basis
    /// (`Exclusion.Basis`: employee id, name and post, name alone, …).
    public struct PrincipalLeaderMatch: Sendable, Equatable {
        public let accountID: Int64
        public let displayName: String
        /// "head", "chairman" or "party_secretary".
        public let position: String
        public let basis: String
    }

    /// The principal leaders (active heads and seat holders) that an accused person of `c` matches,
    /// by the same matching as art. 10's separation (`Separation.match`). Empty when none: the
    /// case stays in the company's chain. Reads only; the caller holds the case and so its accused.
    public func principalLeadersAccused(_ c: StaffCase) throws -> [PrincipalLeaderMatch] {
        let accused = try separation(c).accused
        return try accounts().filter { !$0.disabled && ($0.role == .head || $0.seat != nil) }.compactMap { account in
            guard let basis = accused.lazy.compactMap({ Separation.match($0, account.rosterEntry) }).first else { return nil }
            return PrincipalLeaderMatch(accountID: account.id, displayName: account.displayName,
                                        position: account.seat?.rawValue ?? "head", basis: basis.rawValue)
        }
    }

    /// What a hand-over records (sealed whole under the internal key, piece `hand_over`).
    struct HandOverRecord: Codable, Sendable {
        var recipient: String
        var recipientKey: String
        var at: Int64
        var sha256: String
        var identity: Bool
        var by: Int64
    }

    /// What the reporter reads on their status page once the case is handed over: a message in
    /// their channel, in both languages, naming no body (the reporter is not told where).
    public static let handOverNotice = "您的举报已按规定移送有权处理的机关办理。\nYour report has been passed to the competent body, as the rules require."

    /// The head hands the case over to the configured recipient named `recipientName`
    /// (`settings.escalationRecipients`): the sealed export (`exportCase`, art. 16 for the
    /// identity), then, in one checked write, the hand-over record (to whom, when, the export's
    /// SHA-256), the notice to the reporter, and the audit entry `hand_over`. Returns the export,
    /// for the head to deliver.
    public func handOver(_ c: StaffCase, key: StaffPrivateKey, to recipientName: String, withIdentity: Bool) throws -> CaseExport {
        guard let recipient = settings.escalationRecipients.first(where: { $0.name == recipientName }) else {
            throw ActionRefused(description: "No recipient with that name is configured (settings: escalation_recipients).")
        }
        guard let raw = KeyFolder.decodeHex(recipient.publicKey), let publicKey = try? X25519PublicKey(rawRepresentation: raw) else {
            throw Problem(description: "settings: escalation_recipients \(recipient.name): public_key is not 64 hex digits of an X25519 key")
        }
        let export = try exportCase(c, key: key, to: publicKey, withIdentity: withIdentity)
        let now = clock()
        let record = HandOverRecord(recipient: recipient.name, recipientKey: recipient.publicKey, at: now, sha256: hex(export.sha256),
                                    identity: export.identityIncluded, by: c.accountID)
        let sealedRecord = try sealedBlob(c, .handOver, try JSONBytes.encode(record))
        let notice = try sealedBlob(c, .messageToReporter, Array(Ledger.handOverNotice.utf8))
        let (today, audit, author) = (Int64(self.today.ordinal), self.audit, "staff:\(c.accountID)")
        try caseWrite(c) { db in
            try Ledger.insertBlob(db, caseID: c.caseID, kind: .handOver, blob: sealedRecord, author: author, day: today)
            try Ledger.insertBlob(db, caseID: c.caseID, kind: .messageToReporter, blob: notice, author: author, day: today)
            try db.execute("UPDATE cases SET feedback_day = coalesce(feedback_day, ?) WHERE id = ?", [.integer(today), .integer(c.caseID)])
            try audit.append(db, actor: author, action: "hand_over", caseRef: c.ref, detail: "sha256=\(hex(export.sha256))", at: now)
        }
        return export
    }

    /// The case's hand-overs, oldest first: to whom, when (Unix seconds), the export's SHA-256.
    public func handOvers(_ c: StaffCase) throws -> [(recipient: String, at: Int64, sha256: String)] {
        try staffRead(c, kinds: [.handOver]).map { piece in
            let record = try JSONBytes.decode(HandOverRecord.self, Array(piece.text.utf8))
            return (record.recipient, record.at, record.sha256)
        }
    }
}
