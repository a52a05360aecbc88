import Casework
import Foundation
import SQLiteDB
import Vault

/// Arts. 4 and 16: a real-name reporter's identity is sealed under its own key, for the intake
/// head(s) and the recovery key. An inspector reads it only after a reasoned request the head
/// granted, and never where the reporter asked for strict confidentiality.
extension Ledger {
    /// An inspector's request to read the reporter's identity: who asked, `pending`, `granted` or `refused`, and
    /// the reason, opened with the case key (only a holder of the case sees it).
    public struct IdentityRequest: Sendable, Equatable {
        public let id: Int64
        public let accountID: Int64
        public let state: String
        public let reason: String
    }

    /// Records a request to read the reporter's identity, the reason sealed under the case key,
    /// pending the head's decision; refused for an anonymous report or a blank reason. Audited.
    public func requestIdentity(_ c: StaffCase, reason: String) throws {
        guard c.realName else { throw ActionRefused(description: "This report is anonymous: there is no identity to request.") }
        guard !reason.allSatisfy(\.isWhitespace) else { throw ActionRefused(description: "Give the reason you need the reporter's identity.") }
        // Who asks is sealed with the reason (issue 14): the row and the blob's author name no one.
        let sealed = try sealIdentityRequest(c, IdentityRequestRecord(requester: c.accountID, reason: reason, state: "pending", decidedBy: nil))
        let now = clock()
        let today = Int64(self.today.ordinal)
        let audit = self.audit
        try caseWrite(c) { db in
            try Ledger.insertBlob(db, caseID: c.caseID, kind: .identityRequestRecord, blob: sealed, author: InternalRecords.anonymousAuthor, day: today)
            try db.execute("INSERT INTO identity_requests(case_id, reason_slot, state) VALUES (?, ?, 'pending')",
                           [.integer(c.caseID), .text(sealed.slot)])
            try audit.append(db, actor: "staff:\(c.accountID)", action: "identity_request", caseRef: c.ref, at: now)
        }
    }

    /// The case's identity requests, oldest first, their reasons opened with the case key `c`
    /// holds. Reads only.
    public func identityRequests(_ c: StaffCase) throws -> [IdentityRequest] {
        // Who asked and the state are the sealed record's, not the row's: a state flipped in the
        // clear grants nothing.
        try identityRequestRecords(c).map { id, _, record in
            IdentityRequest(id: id, accountID: record.requester, state: record.state, reason: record.reason)
        }
    }

    /// The head decides; granting seals the identity key for the requester. Refused outright for a
    /// confidential report (art. 16), whatever the head clicks.
    public func decideIdentityRequest(_ c: StaffCase, requestID: Int64, grant: Bool, headKey: StaffPrivateKey) throws {
        guard let found = try identityRequestRecords(c).first(where: { $0.id == requestID }), found.record.state == "pending" else {
            throw ActionRefused(description: "No pending request with that number.")
        }
        let (oldSlot, pending) = (found.slot, found.record)
        let request = IdentityRequest(id: requestID, accountID: pending.requester, state: pending.state, reason: pending.reason)
        if grant && !IdentityPolicy.mayGrantRequest(confidential: c.confidential) {
            throw ActionRefused(description: "The reporter asked for strict confidentiality (art. 16): the identity cannot be disclosed to anyone but the head.")
        }
        var sealedForRequester: Grants.Sealed?
        if grant {
            guard let requester = try account(id: request.accountID), !requester.disabled else {
                throw ActionRefused(description: "The requester's account is not active.")
            }
            guard let cleared = try? separation(c).clear(requester) else {
                throw ActionRefused(description: "The requester is excluded from this case.")
            }
            let identityKey = try openIdentityKey(c, key: headKey)
            sealedForRequester = try Grants.seal(identityKey, ref: c.ref, for: requester, cleared: cleared)
        }
        let state = grant ? "granted" : "refused"
        // The decision is sealed into the record again, under a new slot; the row keeps the state
        // only, so that two heads deciding at once cannot both win.
        var decided = pending
        (decided.state, decided.decidedBy) = (state, c.accountID)
        let record = try sealIdentityRequest(c, decided)
        let (now, today, audit, sealed) = (clock(), Int64(self.today.ordinal), self.audit, sealedForRequester)
        try caseWrite(c) { db in
            try db.execute("UPDATE identity_requests SET state = ?, reason_slot = ? WHERE id = ? AND state = 'pending'",
                           [.text(state), .text(record.slot), .integer(requestID)])
            guard db.changes == 1 else { throw ActionRefused(description: "The request was decided meanwhile; reload.") }
            try db.execute("DELETE FROM blobs WHERE case_id = ? AND slot = ?", [.integer(c.caseID), .text(oldSlot)])
            try Ledger.insertBlob(db, caseID: c.caseID, kind: .identityRequestRecord, blob: record, author: InternalRecords.anonymousAuthor, day: today)
            if let sealed {
                try Grants.store(db, sealed, caseID: c.caseID)
            }
            try audit.append(db, actor: "staff:\(c.accountID)", action: grant ? "identity_grant" : "identity_refuse",
                             caseRef: c.ref, detail: "request=\(requestID) account=\(request.accountID)", at: now)
        }
    }

    func openIdentityKey(_ c: StaffCase, key: StaffPrivateKey) throws -> IdentityKey {
        let sealed = try pool.read { db in
            try Grants.sealedKey(db, .identity, caseID: c.caseID, holder: Holder.account(c.accountID))
        }
        guard let sealed else { throw ActionRefused(description: "You hold no key to this reporter's identity.") }
        return try Grants.openIdentityKey(sealed, ref: c.ref, accountID: c.accountID, with: key)
    }

    /// Reads the identity, auditing the disclosure. The policy check comes first: an inspector
    /// whose grant somehow exists but whose request was never granted still reads nothing.
    public func readIdentity(_ c: StaffCase, key: StaffPrivateKey) throws -> ReportDraft.Identity? {
        guard c.realName else { return nil }
        let granted = try identityRequests(c).contains { $0.accountID == c.accountID && $0.state == "granted" }
        guard let role = c.caseRole, IdentityPolicy.mayRead(role, relation: .assigned, confidential: c.confidential, requestGranted: granted) else {
            return nil
        }
        let identityKey = try openIdentityKey(c, key: key)
        let row = try pool.read { db in
            try db.queryOne("SELECT \(BlobRow.columns()) FROM blobs WHERE case_id = ? AND kind = 'identity'", [.integer(c.caseID)])
                .map(BlobRow.init(row:))
        }
        guard let row else { return nil }
        let plain = try row.open(identityKey: identityKey, ref: c.ref)
        let now = clock()
        let audit = self.audit
        _ = try pool.write { db in
            try audit.append(db, actor: "staff:\(c.accountID)", action: "identity_read", caseRef: c.ref, at: now)
        }
        return try JSONBytes.decode(ReportDraft.Identity.self, plain)
    }

    /// The files of a case, their sealed names opened.
    public struct AttachmentInfo: Sendable {
        public let file: String
        public let meta: AttachmentMetaView
        public let author: String
        public let day: Day
        public let internalOnly: Bool
    }

    /// A file's sealed metadata, opened: the name and type the sender gave, its size, and whether its
    /// metadata were stripped (nil for a file that was never an image).
    public struct AttachmentMetaView: Sendable {
        public let fileName: String
        public let contentType: String
        public let size: Int64
        public let metadataStripped: Bool?
    }

    /// The case's files in the order they came, each file's sealed metadata opened with the
    /// case key; a tampered record fails its tag and throws. Reads only, decrypts no file.
    public func attachments(_ c: StaffCase) throws -> [AttachmentInfo] {
        let caseID = c.caseID
        let rows = try pool.read { db in
            try db.query("SELECT \(AttachmentRow.columns) FROM attachments WHERE case_id = ? ORDER BY id", [.integer(caseID)])
                .map(AttachmentRow.init(row:))
        }
        return try rows.map { row in
            let file = row.file
            let plain = try CaseCrypto.openMeta(row.metaSealed, keys: c.keys, ref: c.ref, file: file, internal: row.internalOnly)
            let meta = try JSONBytes.decode(AttachmentMeta.self, plain)
            return AttachmentInfo(file: file, meta: AttachmentMetaView(fileName: meta.fileName, contentType: meta.contentType, size: meta.size,
                                                                       metadataStripped: meta.metadataStripped),
                                  author: row.author, day: row.day, internalOnly: row.internalOnly)
        }
    }

    /// Staff evidence (interview recordings, documents): internal, never listed to the reporter.
    public func beginStaffEvidence(_ c: StaffCase) -> IntakeStaging { IntakeStaging(ref: c.ref, keys: c.keys, internalFiles: true) }

    /// Commits the staged files as internal evidence (never listed to the reporter), their rows
    /// and audit entry in one transaction, after the files are synced.
    public func attachStaffEvidence(_ c: StaffCase, staging: IntakeStaging) throws {
        let now = clock()
        let audit = self.audit
        try attach(c, staging: staging) { db in
            try audit.append(db, actor: "staff:\(c.accountID)", action: "add_evidence", caseRef: c.ref, at: now)
        }
    }

    /// Streams one decrypted file to `write`, auditing the decryption.
    public func readAttachment(_ c: StaffCase, file: String, write: ([UInt8]) throws -> Void) throws {
        let now = clock()
        let audit = self.audit
        _ = try pool.write { db in
            try audit.append(db, actor: "staff:\(c.accountID)", action: "file_decrypt", caseRef: c.ref, at: now)
        }
        try readFile(c, file: file, chunk: write)
    }

    /// Reads the whole sealed file and checks every chunk's tag, keeping nothing (constant
    /// memory); throws if the file is missing, cut short, corrupted or altered. Not audited:
    /// nothing leaves, and the download that follows is (`readAttachment`).
    public func checkAttachment(_ c: StaffCase, file: String) throws {
        try readFile(c, file: file) { _ in }
    }

    /// A file of the case, under the key its kind belongs to: the reporter's under the channel
    /// key, staff evidence under the internal key. A name the case does not hold opens nothing.
    private func readFile(_ c: StaffCase, file: String, chunk: ([UInt8]) throws -> Void) throws {
        let caseID = c.caseID
        let isInternal = try pool.read { db in
            try db.queryOne("SELECT internal FROM attachments WHERE case_id = ? AND file = ?", [.integer(caseID), .text(file)])
                .map { try $0.required(Bool.self, "internal", table: AttachmentRow.table) }
        }
        guard let isInternal else { throw Problem(description: "this case holds no such file") }
        try c.keys.withFileKey(internal: isInternal) {
            try files.read(file, key: $0, associatedData: CaseCrypto.fileAD(ref: c.ref, file: file), chunk: chunk)
        }
    }
}
