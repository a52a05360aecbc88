import Casework
import Foundation
import SQLiteDB
import Vault

/// Issue 17: a case handed over (to the superior discipline body, the group, the police, a court)
/// as one file sealed to the recipient's X25519 key and signed with the department's key
/// (`ExportFile`; docs/export-format.md). What goes in: the case's facts, every sealed piece of
/// it (report, accused, messages both ways, notes, interviews, summary, refusal reasons,
/// investigation report, sanction, reward decision and figures, prior knowledge, same-matter
/// links, identity requests), every file with its name, and every audit entry that names it.
/// What stays out: the reporter's exclusion list (it names staff the reporter distrusts, and audit
/// entries never say who was excluded), and the identity unless `ExportPolicy` allows it and the
/// exporter asks.
extension Ledger {
    /// A finished export: the file's bytes, its SHA-256 (what a hand-over records), the case.
    public struct CaseExport: Sendable {
        public let bytes: [UInt8]
        public let sha256: [UInt8]
        public let registerNumber: RegisterNumber
        public let identityIncluded: Bool
        public let files: Int
    }

    /// The operator's export (`candor export`): the case opened with the offline recovery key,
    /// because the server holds no case key. Checks the case's seals first (a tampered case is
    /// refused, not exported). Audited `export` with the file's hash and the recipient key.
    public func exportCase(ref: String, recoveryKey: RecoveryPrivateKey, to recipient: X25519PublicKey, withIdentity: Bool,
                           actor: String = "cli:export") throws -> CaseExport {
        guard recoveryKey.publicKey == keys.recoveryPublicKey else {
            throw Problem(description: "this recovery key does not belong to this installation. Use the recovery key `candor init` printed for this installation.")
        }
        guard let row = try pool.read({ db in
            try db.queryOne("SELECT \(CaseRow.columns()) FROM cases WHERE ref = ?", [.text(ref)]).map(CaseRow.init(row:))
        }) else { throw Problem(description: "no case with the reference \(ref)") }
        let caseKeys: CaseKeys
        switch try recoveryKeys(caseID: row.id, ref: ref, recoveryKey: recoveryKey, actor: actor) {
        case .success(let opened): caseKeys = opened
        case .failure(let stop):
            if case .tampered(let checks) = stop.result {
                throw Problem(description: "REFUSED: the case's rows do not match its seal (" + checks.joined(separator: "; ") + ")")
            }
            throw Problem(description: "REFUSED: this case holds no grant for the recovery key")
        }
        var identity: [UInt8]?
        if withIdentity {
            try ExportPolicy.checkIdentity(realName: row.realName, confidential: row.confidential)
            let sealed = try pool.read { db in try Grants.sealedKey(db, .identity, caseID: row.id, holder: Holder.recovery) }
            guard let sealed else { throw ActionRefused(description: "The recovery key holds no key to this reporter's identity.") }
            identity = try identityPlaintext(caseID: row.id, ref: ref, key: try Grants.openIdentityKey(sealed, ref: ref, with: recoveryKey))
        }
        return try sealExport(row: row, keys: caseKeys, identity: identity, recipient: recipient, actor: actor)
    }

    /// The head's export from the case page: only the case's intake head may hand a case over,
    /// and the identity goes only where `ExportPolicy` allows it and the head holds it.
    public func exportCase(_ c: StaffCase, key: StaffPrivateKey, to recipient: X25519PublicKey, withIdentity: Bool) throws -> CaseExport {
        guard c.caseRole == .head else { throw ActionRefused(description: "Only the department head who holds the case hands it over.") }
        guard let row = try pool.read({ db in
            try db.queryOne("SELECT \(CaseRow.columns()) FROM cases WHERE id = ?", [.integer(c.caseID)]).map(CaseRow.init(row:))
        }) else { throw Problem(description: "no such case") }
        var identity: [UInt8]?
        if withIdentity {
            try ExportPolicy.checkIdentity(realName: row.realName, confidential: row.confidential)
            identity = try identityPlaintext(caseID: c.caseID, ref: c.ref, key: try openIdentityKey(c, key: key))
        }
        return try sealExport(row: row, keys: c.keys, identity: identity, recipient: recipient, actor: "staff:\(c.accountID)")
    }

    private func identityPlaintext(caseID: Int64, ref: String, key: IdentityKey) throws -> [UInt8]? {
        let row = try pool.read { db in
            try db.queryOne("SELECT \(BlobRow.columns()) FROM blobs WHERE case_id = ? AND kind = 'identity'", [.integer(caseID)])
                .map(BlobRow.init(row:))
        }
        return try row?.open(identityKey: key, ref: ref)
    }

    private func sealExport(row: CaseRow, keys caseKeys: CaseKeys, identity: [UInt8]?, recipient: X25519PublicKey,
                            actor: String) throws -> CaseExport {
        let signer = try keys.signingKey()
        let (contents, files) = try exportContents(row: row, keys: caseKeys, identity: identity, actor: actor)
        let bytes = try ExportFile.build(parts: [("contents", contents)] + files, signer: signer, recipient: recipient,
                                         createdAt: Date(timeIntervalSince1970: TimeInterval(clock())))
        let digest = try SHA256.hash(bytes)
        let (audit, now) = (self.audit, clock())
        _ = try pool.write { db in
            try audit.append(db, actor: actor, action: "export", caseRef: row.ref,
                             detail: "sha256=\(hex(digest)) recipient=\(hex(recipient.rawRepresentation)) identity=\(identity == nil ? 0 : 1) files=\(files.count)",
                             at: now)
        }
        return CaseExport(bytes: bytes, sha256: digest, registerNumber: row.registerNumber, identityIncluded: identity != nil,
                          files: files.count)
    }

    /// The `contents` part (JSON, `ExportContents`) and one part per file, named `file-001`…
    private func exportContents(row: CaseRow, keys caseKeys: CaseKeys, identity: [UInt8]?,
                                actor: String) throws -> ([UInt8], [(name: String, bytes: [UInt8])]) {
        let (caseID, ref) = (row.id, row.ref)
        let (blobs, attachments, entries, reward) = try pool.read { db in
            (try db.query("SELECT \(BlobRow.columns()) FROM blobs WHERE case_id = ? AND kind NOT IN ('identity', 'exclusions') ORDER BY id",
                          [.integer(caseID)]).map(BlobRow.init(row:)),
             try db.query("SELECT \(AttachmentRow.columns) FROM attachments WHERE case_id = ? ORDER BY id", [.integer(caseID)])
                .map(AttachmentRow.init(row:)),
             try db.query("SELECT id, at, actor, action, case_ref, detail FROM audit_log WHERE case_ref = ? ORDER BY id", [.text(ref)])
                .map(AuditLog.Entry.init(row:)),
             try db.queryOne("SELECT state, approvals, paid_day FROM rewards WHERE case_id = ?", [.integer(caseID)]))
        }
        let pieces = try blobs.map { blob in
            ExportContents.Piece(kind: blob.kind, author: blob.author, day: blob.day.description,
                                 text: String(decoding: try blob.open(keys: caseKeys, ref: ref), as: UTF8.self))
        }
        var fileParts: [(name: String, bytes: [UInt8])] = []
        var fileList: [ExportContents.File] = []
        for (index, a) in attachments.enumerated() {
            let meta = try JSONBytes.decode(AttachmentMeta.self,
                                            try CaseCrypto.openMeta(a.metaSealed, keys: caseKeys, ref: ref, file: a.file, internal: a.internalOnly))
            var bytes: [UInt8] = []
            try caseKeys.withFileKey(internal: a.internalOnly) {
                try files.read(a.file, key: $0, associatedData: CaseCrypto.fileAD(ref: ref, file: a.file)) { bytes += $0 }
            }
            let part = String(format: "file-%03d", index + 1)
            fileParts.append((part, bytes))
            fileList.append(ExportContents.File(part: part, name: meta.fileName, contentType: meta.contentType, size: bytes.count,
                                                author: a.author, day: a.day.description, staffEvidence: a.internalOnly))
        }
        let contents = ExportContents(row: row, exportedBy: actor, pieces: pieces, files: fileList,
                                      audit: entries.map { ExportContents.AuditEntry(id: $0.id, at: $0.at, actor: $0.actor, action: $0.action, detail: $0.detail) },
                                      reward: try reward.map { ExportContents.Reward(state: try $0.required(String.self, "state", table: "rewards"),
                                                                                     approvals: try $0.required(String.self, "approvals", table: "rewards")) },
                                      identity: identity.map { String(decoding: $0, as: UTF8.self) })
        return (try JSONBytes.encode(contents), fileParts)
    }
}

/// Art. 16 at the door: a reporter's identity leaves the department only for a real-name report
/// whose reporter did not ask for strict confidentiality, and only when the exporter asks. For a
/// confidential report, the identity is never disclosed beyond the department head, so not to
/// the superior body either, whoever asks: the body receives the case and can ask the head, who
/// asks the reporter.
public enum ExportPolicy {
    public static func mayIncludeIdentity(realName: Bool, confidential: Bool) -> Bool { realName && !confidential }

    static func checkIdentity(realName: Bool, confidential: Bool) throws {
        guard realName else { throw Ledger.ActionRefused(description: "This report is anonymous: there is no identity to include.") }
        guard mayIncludeIdentity(realName: realName, confidential: confidential) else {
            throw Ledger.ActionRefused(description: "The reporter asked for strict confidentiality (art. 16): the identity never leaves the department head, so it is not exported. Export without --with-identity.")
        }
    }
}
