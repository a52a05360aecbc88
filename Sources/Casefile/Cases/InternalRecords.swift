import Casework
import Foundation
import SQLiteDB
import Vault

/// Issue 14, no plaintext at rest: a reward's figures, the same-matter links, the prior-knowledge
/// records and an identity request (who asked, who decided) are sealed blobs of their case, of
/// internal kinds that are never decrypted for the reporter. The tables beside them keep only
/// what a list or a concurrent write needs (a reward's state and seats, a request's state).
///
/// Every read and write of these pieces goes through here, so the key they are sealed under is
/// chosen in one place, `key(_:)`.
enum InternalRecords {
    /// The key internal records are sealed under: today the case key; the staff-only key once
    /// the case key is split into a channel key and an internal key.
    static func key(_ c: StaffCase) -> CaseKeys { c.keys }

    /// `value` as JSON, sealed for a new blob of `kind` in the case `ref` (a fresh slot).
    static func seal<T: Encodable>(_ value: T, kind: BlobKind, key: CaseKeys, ref: String) throws -> (slot: String, sealed: [UInt8]) {
        let slot = try CaseCrypto.newSlot()
        return (slot, try CaseCrypto.seal(try JSONBytes.encode(value), keys: key, ref: ref, kind: kind, slot: slot))
    }

    /// A blob's JSON, its tag checked against the case, kind and slot.
    static func open<T: Decodable>(_ row: BlobRow, as type: T.Type, key: CaseKeys, ref: String) throws -> T {
        try JSONBytes.decode(type, try row.open(keys: key, ref: ref))
    }

    /// The case's blobs of `kind`, oldest first.
    static func rows(_ db: Database, caseID: Int64, kind: BlobKind) throws -> [BlobRow] {
        try db.query("SELECT \(BlobRow.columns()) FROM blobs WHERE case_id = ? AND kind = ? ORDER BY id",
                     [.integer(caseID), .text(kind.rawValue)]).map(BlobRow.init(row:))
    }

    /// Replaces the case's one blob of `kind` with `blob`.
    static func replace(_ db: Database, caseID: Int64, kind: BlobKind, blob: (slot: String, sealed: [UInt8]), author: String, day: Int64) throws {
        try db.execute("DELETE FROM blobs WHERE case_id = ? AND kind = ?", [.integer(caseID), .text(kind.rawValue)])
        try Ledger.insertBlob(db, caseID: caseID, kind: kind, blob: blob, author: author, day: day)
    }

    /// The author an identity request's blob carries: the same for everyone, since who asked is
    /// sealed inside it.
    static let anonymousAuthor = "staff"
}

/// A reward's figures (arts. 13–14): the verified loss, the exclusion reasons (which name the
/// linked reports' register numbers) and the proposed amount. One `reward_figures` blob per case.
struct RewardFigures: Codable, Sendable, Equatable {
    var verifiedLossFen: Int64
    var exclusions: [String]
    var amountFen: Int64?

    enum CodingKeys: String, CodingKey {
        case verifiedLossFen = "verified_loss_fen"
        case exclusions
        case amountFen = "amount_fen"
    }
}

/// The other reports the head linked as being on the same matter, by register number. One
/// `same_matter` blob in the case that names them.
struct SameMatterLinks: Codable, Sendable, Equatable {
    var registerNumbers: [String]

    enum CodingKeys: String, CodingKey {
        case registerNumbers = "register_numbers"
    }
}

/// An inspector's request to read the reporter's identity, whole: who asked, why, and the
/// decision. Re-sealed (new slot) when the head decides.
struct IdentityRequestRecord: Codable, Sendable, Equatable {
    var requester: Int64
    var reason: String
    var state: String
    var decidedBy: Int64?

    enum CodingKeys: String, CodingKey {
        case requester, reason, state
        case decidedBy = "decided_by"
    }
}

extension Ledger {
    /// The case's reward figures, nil before an assessment.
    func rewardFigures(_ c: StaffCase) throws -> RewardFigures? {
        let caseID = c.caseID
        let row = try pool.read { db in try InternalRecords.rows(db, caseID: caseID, kind: .rewardFigures).last }
        return try row.map { try InternalRecords.open($0, as: RewardFigures.self, key: InternalRecords.key(c), ref: c.ref) }
    }

    func sealRewardFigures(_ c: StaffCase, _ figures: RewardFigures) throws -> (slot: String, sealed: [UInt8]) {
        try InternalRecords.seal(figures, kind: .rewardFigures, key: InternalRecords.key(c), ref: c.ref)
    }

    /// The register numbers linked to this case as the same matter at its last assessment.
    func sameMatterLinks(_ c: StaffCase) throws -> [String] {
        let caseID = c.caseID
        let row = try pool.read { db in try InternalRecords.rows(db, caseID: caseID, kind: .sameMatter).last }
        return try row.map { try InternalRecords.open($0, as: SameMatterLinks.self, key: InternalRecords.key(c), ref: c.ref).registerNumbers } ?? []
    }

    func sealSameMatter(_ c: StaffCase, _ links: SameMatterLinks) throws -> (slot: String, sealed: [UInt8]) {
        try InternalRecords.seal(links, kind: .sameMatter, key: InternalRecords.key(c), ref: c.ref)
    }

    /// The case's prior-knowledge facts, oldest first, with their blobs' authors.
    func priorKnowledgeFacts(_ c: StaffCase) throws -> [(author: String, fact: PriorKnowledgeFact)] {
        let caseID = c.caseID
        let rows = try pool.read { db in try InternalRecords.rows(db, caseID: caseID, kind: .priorKnowledge) }
        return try rows.map { ($0.author, try InternalRecords.open($0, as: PriorKnowledgeFact.self, key: InternalRecords.key(c), ref: c.ref)) }
    }

    func sealPriorKnowledge(_ c: StaffCase, _ fact: PriorKnowledgeFact) throws -> (slot: String, sealed: [UInt8]) {
        try InternalRecords.seal(fact, kind: .priorKnowledge, key: InternalRecords.key(c), ref: c.ref)
    }

    /// The case's identity requests, oldest first: the row's id and slot with the sealed record.
    func identityRequestRecords(_ c: StaffCase) throws -> [(id: Int64, slot: String, record: IdentityRequestRecord)] {
        let caseID = c.caseID
        let rows = try pool.read { db in try Ledger.identityRequestRows(db, caseID: caseID) }
        return try rows.map { ($0.id, $0.blob.slot, try InternalRecords.open($0.blob, as: IdentityRequestRecord.self, key: InternalRecords.key(c), ref: c.ref)) }
    }

    static func identityRequestRows(_ db: Database, caseID: Int64) throws -> [(id: Int64, blob: BlobRow)] {
        try db.query("""
            SELECT r.id, \(BlobRow.columns("b")) FROM identity_requests r
            JOIN blobs b ON b.slot = r.reason_slot AND b.case_id = r.case_id AND b.kind = ?
            WHERE r.case_id = ? ORDER BY r.id
            """, [.text(BlobKind.identityRequestRecord.rawValue), .integer(caseID)]).map { row in
            (try row.required(Int64.self, "id", table: "identity_requests"), try BlobRow(row: row))
        }
    }

    func sealIdentityRequest(_ c: StaffCase, _ record: IdentityRequestRecord) throws -> (slot: String, sealed: [UInt8]) {
        try InternalRecords.seal(record, kind: .identityRequestRecord, key: InternalRecords.key(c), ref: c.ref)
    }

    /// Whether `accountID` had a request granted on this case, read from the sealed records
    /// (a row's plaintext state alone grants nothing).
    static func identityRequestGranted(_ db: Database, caseID: Int64, ref: String, caseKey: CaseKeys, accountID: Int64) throws -> Bool {
        try identityRequestRows(db, caseID: caseID).contains { row in
            let record = try InternalRecords.open(row.blob, as: IdentityRequestRecord.self, key: caseKey, ref: ref)
            return record.requester == accountID && record.state == "granted"
        }
    }
}
