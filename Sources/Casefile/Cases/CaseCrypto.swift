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

    /// Seals a piece of a case under the key its kind belongs to (`CaseKeyring`).
    static func seal(_ plaintext: [UInt8], keys: some CaseKeyring, ref: String, kind: BlobKind, slot: String) throws -> [UInt8] {
        try keys.withKey(for: kind) { try AESGCM.seal(plaintext, key: $0, associatedData: blobAD(ref: ref, kind: kind.rawValue, slot: slot)) }
    }

    static func open(_ sealed: [UInt8], keys: some CaseKeyring, ref: String, kind: BlobKind, slot: String) throws -> [UInt8] {
        try keys.withKey(for: kind) { try AESGCM.open(sealed, key: $0, associatedData: blobAD(ref: ref, kind: kind.rawValue, slot: slot)) }
    }

    /// A file's sealed metadata (name, type, size): under the channel key for the reporter's
    /// files, the internal key for staff evidence, like the file's bytes.
    static func sealMeta(_ plaintext: [UInt8], keys: some CaseKeyring, ref: String, file: String, internal: Bool) throws -> [UInt8] {
        try keys.withFileKey(internal: `internal`) {
            try AESGCM.seal(plaintext, key: $0, associatedData: blobAD(ref: ref, kind: "attachment", slot: "file:" + file))
        }
    }

    static func openMeta(_ sealed: [UInt8], keys: some CaseKeyring, ref: String, file: String, internal: Bool) throws -> [UInt8] {
        try keys.withFileKey(internal: `internal`) {
            try AESGCM.open(sealed, key: $0, associatedData: blobAD(ref: ref, kind: "attachment", slot: "file:" + file))
        }
    }

    /// Opens a piece sealed before the case had two keys, when everything was under the one key
    /// that became the channel key (`KeySplit`).
    static func openLegacy(_ sealed: [UInt8], channel: ChannelKey, ref: String, kind: String, slot: String) throws -> [UInt8] {
        try channel.withSecret { try AESGCM.open(sealed, key: $0, associatedData: blobAD(ref: ref, kind: kind, slot: slot)) }
    }

    /// The identity blob is sealed like any blob of the case, but under the identity key.
    static func seal(_ plaintext: [UInt8], identityKey: IdentityKey, ref: String, slot: String) throws -> [UInt8] {
        try identityKey.withSecret {
            try AESGCM.seal(plaintext, key: $0, associatedData: blobAD(ref: ref, kind: BlobKind.identity.rawValue, slot: slot))
        }
    }

    static func open(_ sealed: [UInt8], identityKey: IdentityKey, ref: String, slot: String) throws -> [UInt8] {
        try identityKey.withSecret {
            try AESGCM.open(sealed, key: $0, associatedData: blobAD(ref: ref, kind: BlobKind.identity.rawValue, slot: slot))
        }
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

/// Kinds of sealed blob. The reporter's view reads only `reporterVisible` and the reward decision;
/// internal kinds are under a key the reporter does not hold (art. 11).
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
    /// Before issue 14: an identity request's reason alone; sealed again whole on the next staff open.
    case identityRequest = "identity_request"
    case rewardDecision = "reward_decision"
    /// An approver's internal reason for refusing (art. 11): for the case's holders, never the reporter.
    case refusalReason = "refusal_reason"
    /// A prior-knowledge fact (art. 14): what was known and where it came from.
    case priorKnowledge = "prior_knowledge"
    /// Issue 14 (`InternalRecords`), all internal: a reward's loss, amount and exclusion reasons; the
    /// reports linked as the same matter; an identity request whole (who asked, why, the decision).
    case rewardFigures = "reward_figures"
    case sameMatter = "same_matter"
    case identityRequestRecord = "identity_request_record"
    /// Issue 17 (`Escalation`), internal: a hand-over of the case, whole — to whom (name and
    /// public key), when, the export's SHA-256, whether the identity went with it.
    case handOver = "hand_over"

    static let reporterVisible: [BlobKind] = [.messageToReporter, .messageFromReporter]

    /// The reporter's channel (DESIGN.md, "Two keys per case"): sealed under the channel key, the
    /// one the tracking code opens. Every other kind is internal work, under the internal key (the
    /// identity is under its own key).
    var isChannel: Bool {
        switch self {
        case .report, .accused, .messageToReporter, .messageFromReporter, .rewardDecision: return true
        default: return false
        }
    }
}
