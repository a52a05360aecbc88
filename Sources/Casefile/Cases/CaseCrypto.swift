import SQLiteDB
import Vault

/// How a case's pieces are sealed (DESIGN.md, "Keys and encryption"). Every label binds the
/// case's random reference, so a blob or a grant copied into another case does not open.
enum CaseCrypto {
    static func blobAD(ref: String, kind: String, slot: String) -> [UInt8] {
        Array("candor/blob/v1|\(ref)|\(kind)|\(slot)".utf8)
    }

    static func fileAD(ref: String, file: String) -> [UInt8] {
        Array("candor/file/v1|\(ref)|\(file)".utf8)
    }

    static func grantContext(ref: String, holder: String) -> [UInt8] {
        Array("candor/grant/v1|\(ref)|\(holder)".utf8)
    }

    static func identityGrantContext(ref: String, holder: String) -> [UInt8] {
        Array("candor/identity-grant/v1|\(ref)|\(holder)".utf8)
    }

    static func seal(_ plaintext: [UInt8], caseKey: SecureBytes, ref: String, kind: String, slot: String) throws -> [UInt8] {
        try AESGCM.seal(plaintext, key: caseKey, associatedData: blobAD(ref: ref, kind: kind, slot: slot))
    }

    static func open(_ sealed: [UInt8], caseKey: SecureBytes, ref: String, kind: String, slot: String) throws -> [UInt8] {
        try AESGCM.open(sealed, key: caseKey, associatedData: blobAD(ref: ref, kind: kind, slot: slot))
    }

    /// The case key sealed for a holder's X25519 public key (a staff account or the recovery key).
    static func grant(_ caseKey: SecureBytes, to key: X25519PublicKey, ref: String, holder: String) throws -> [UInt8] {
        try SealedBox.seal(caseKey, to: key, context: grantContext(ref: ref, holder: holder))
    }

    static func openGrant(_ sealed: [UInt8], with key: X25519PrivateKey, ref: String, holder: String) throws -> SecureBytes {
        try SealedBox.openSecret(sealed, with: key, context: grantContext(ref: ref, holder: holder))
    }

    /// The reporter holds no key pair: their grant is the case key wrapped under the key derived
    /// from their tracking code.
    static func reporterGrant(_ caseKey: SecureBytes, reporterKey: SecureBytes, ref: String) throws -> [UInt8] {
        try AESGCM.seal(caseKey, key: reporterKey, associatedData: grantContext(ref: ref, holder: Holder.reporter))
    }

    static func openReporterGrant(_ sealed: [UInt8], reporterKey: SecureBytes, ref: String) throws -> SecureBytes {
        try AESGCM.openSecret(sealed, key: reporterKey, associatedData: grantContext(ref: ref, holder: Holder.reporter))
    }

    /// Random, URL-safe, not guessable: the id a case has in every URL.
    static func newRef() throws -> String { hex(try Random.bytes(16)) }
    static func newSlot() throws -> String { hex(try Random.bytes(12)) }
}

/// Names of grant holders, as stored in `grants.holder`.
enum Holder {
    static let reporter = "reporter"
    static let recovery = "recovery"
    static func account(_ id: Int64) -> String { "account:\(id)" }
}

/// Kinds of sealed blob. The reporter's view reads only `reporterVisible`; internal kinds are never
/// even decrypted for it (art. 11).
public enum BlobKind: String, CaseIterable, Sendable {
    case report
    case accused
    case exclusions
    case identity
    case messageToReporter = "message_to_reporter"
    case messageFromReporter = "message_from_reporter"
    case note
    case interview
    case summary
    case investigationReport = "investigation_report"
    case sanction
    case identityRequest = "identity_request"
    case rewardDecision = "reward_decision"

    static let reporterVisible: [BlobKind] = [.messageToReporter, .messageFromReporter]
}

extension Ledger {
    enum GrantTable: String {
        /// The case key sealed for a holder.
        case caseKey = "grants"
        /// A real-name reporter's identity key sealed for a holder.
        case identity = "identity_grants"
    }

    /// Stores (or replaces) one sealed key for one holder of a case: every grant goes through here.
    static func storeGrant(_ db: Database, _ table: GrantTable, caseID: Int64, holder: String, account: Int64?, sealed: [UInt8]) throws {
        try db.execute("INSERT OR REPLACE INTO \(table.rawValue)(case_id, holder, account_id, sealed_key) VALUES (?, ?, ?, ?)",
                       [.integer(caseID), .text(holder), account.map(SQLValue.integer) ?? .null, .blob(sealed)])
    }
}
