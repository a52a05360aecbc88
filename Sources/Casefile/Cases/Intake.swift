import Casework
import Foundation
import SQLiteDB
import Vault

/// The channel a report came by (art. 2).
public enum Channel: String, CaseIterable, Sendable {
    case online, letter, phone, email, visit
}

/// A report being received. Its case key and reference exist before the form is read, so that
/// evidence streams into sealed storage as it arrives and never sits whole in memory.
public final class IntakeStaging {
    let ref: String
    let caseKey: CaseKey
    private(set) var files: [StagedFile] = []

    struct StagedFile {
        let writer: FileStore.Writer
        var meta: AttachmentMeta
    }

    /// How many of the files staged so far keep their metadata: another format than JPEG or
    /// PNG, kept as sent, or a cleaning that failed. The reporter is told, so as to know.
    public var filesWithMetadataKept: Int { files.filter { $0.meta.metadataStripped != true }.count }

    init() throws {
        ref = try CaseCrypto.newRef()
        caseKey = try CaseKey.random()
    }

    init(ref: String, caseKey: CaseKey) {
        self.ref = ref
        self.caseKey = caseKey
    }

    /// Starts a sealed file; the caller writes to it and then calls `finishFile`.
    public func beginFile(in store: FileStore) throws -> FileStore.Writer {
        let name = try FileStore.newName()
        return try store.writer(name: name, key: caseKey, associatedData: CaseCrypto.fileAD(ref: ref, file: name))
    }

    public func finishFile(_ writer: FileStore.Writer, meta: AttachmentMeta) throws {
        try writer.finish()
        files.append(StagedFile(writer: writer, meta: meta))
    }

    /// The form failed validation or the request broke off: nothing of it stays on disk.
    public func discard() {
        for file in files { file.writer.discard() }
        files.removeAll()
    }

    public var fileCount: Int { files.count }
}

public struct Receipt: Sendable {
    /// Shown once to the reporter; nil for a staff-registered report without one.
    public let code: TrackingCode?
    public let registerNumber: RegisterNumber
    public let receivedOn: Day
    public let caseRef: String
}

extension Ledger {
    /// A staging area for a new report: its case key and reference exist before the form is
    /// read, so evidence is sealed as it streams in. Nothing is stored until `submit`.
    public func beginIntake() throws -> IntakeStaging { try IntakeStaging() }

    func roster(_ db: Database) throws -> [Account] {
        try db.query("SELECT \(Account.columns) FROM accounts WHERE disabled = 0").map(Account.init(row:))
    }

    /// Seals and stores a report. When this returns, the report is durable (synchronous=FULL
    /// commit, files synced before it): the receipt may be sent.
    ///
    /// - Parameters:
    ///   - channel: `.online` for the reporter's form; the others for what the head registers
    ///     from a letter, call, e-mail or visit (art. 2, 6).
    ///   - registeredBy: the staff account entering an offline report, for the audit log.
    ///   - issueCode: whether to make a tracking code (offline reports: only where there is a
    ///     reporter to hand it to).
    public func submit(_ draft: ReportDraft, staging: IntakeStaging, channel: Channel = .online,
                       registeredBy: Int64? = nil, issueCode: Bool = true) throws -> Receipt {
        let settings = self.settings
        let today = self.today
        let ref = staging.ref
        let caseKey = staging.caseKey

        let roster = try pool.read { db in try self.roster(db) }
        let logins = Dictionary(uniqueKeysWithValues: roster.map { ($0.id, $0.login) })
        let exclusions = Separation.exclusions(accused: draft.namedAccused, pickedAccountIDs: draft.excludedHandlers,
                                               roster: roster.map(\.rosterEntry))
        let excluded = Set(exclusions.map(\.accountID))
        // A report is never refused for want of a handler: with no one to take intake it is
        // sealed for the recovery key alone and the gap is audited.
        let intake = (try? SeatAssignment.intake(roster: roster.map(\.rosterEntry), excluded: excluded,
                                                 alternates: settings.alternates, loginOf: { logins[$0] })) ?? []
        let intakeAccounts = roster.filter { intake.contains($0.id) }

        var tracking: (code: TrackingCode, keys: TrackingKeys)?
        if issueCode {
            let code = try TrackingCode.generate(randomBytes: Random.bytes)
            tracking = (code, try kdfGate.run { try TrackingKeys.derive(code: code, pepper: keys.pepper) })
        }

        var blobs: [(kind: BlobKind, slot: String, sealed: [UInt8])] = []
        func add(_ kind: BlobKind, _ plaintext: [UInt8]) throws {
            let slot = try CaseCrypto.newSlot()
            blobs.append((kind, slot, try CaseCrypto.seal(plaintext, caseKey: caseKey, ref: ref, kind: kind.rawValue, slot: slot)))
        }
        try add(.report, JSONBytes.encode(ReportContent(draft)))
        try add(.accused, JSONBytes.encode(draft.namedAccused))
        try add(.exclusions, JSONBytes.encode(exclusions.map { ExclusionRecord(accountID: $0.accountID, reason: $0.reason.rawValue) }))

        var grants = try intakeAccounts.map { try Grants.seal(caseKey, ref: ref, for: $0) }
        grants.append(try Grants.sealForRecovery(caseKey, ref: ref, to: keys.recoveryPublicKey))
        if let tracking {
            grants.append(try Grants.sealForReporter(caseKey, ref: ref, reporterKey: tracking.keys.reporterKey))
        }

        // Arts. 4 and 16: the identity under its own key, for the intake head(s) and recovery only.
        var identityGrants: [Grants.Sealed] = []
        var identityBlob: (slot: String, sealed: [UInt8])?
        if draft.mode == .realName, let identity = draft.identity {
            let identityKey = try IdentityKey.random()
            let slot = try CaseCrypto.newSlot()
            identityBlob = (slot, try CaseCrypto.seal(try JSONBytes.encode(identity), identityKey: identityKey, ref: ref, slot: slot))
            identityGrants = try intakeAccounts.map { try Grants.seal(identityKey, ref: ref, for: $0) }
            identityGrants.append(try Grants.sealForRecovery(identityKey, ref: ref, to: keys.recoveryPublicKey))
        }

        var attachments: [(file: String, meta: [UInt8])] = []
        for file in staging.files {
            let slot = "file:" + file.writer.name
            attachments.append((file.writer.name, try CaseCrypto.seal(try JSONBytes.encode(file.meta), caseKey: caseKey, ref: ref,
                                                                     kind: "attachment", slot: slot)))
        }

        let author = registeredBy.map { "staff:\($0)" } ?? "reporter"
        let year = today.year
        let category = draft.category
        let realName = draft.mode == .realName
        let confidential = draft.confidential
        let lookup = tracking.map { ($0.keys.lookupID, TrackingKeys.parameters.encoded) }
        let intakeIDs = intakeAccounts.map(\.id)
        let sealedBlobs = blobs, sealedGrants = grants, sealedIdentity = identityBlob, sealedIdentityGrants = identityGrants
        let sealedAttachments = attachments
        let now = clock()
        let audit = self.audit
        let notify = settings.notifications.enabled

        let sequence: Int64 = try pool.write { db in
            let seq = try self.nextSequence(db, "register:\(year)")
            try db.execute("""
                INSERT INTO cases(ref, register_year, register_seq, channel, category, state, real_name, confidential,
                                  received_day, lookup_id, lookup_params)
                VALUES (?, ?, ?, ?, ?, 'submitted', ?, ?, ?, ?, ?)
                """, [.text(ref), .integer(Int64(year)), .integer(seq), .text(channel.rawValue), .text(category),
                      .integer(realName ? 1 : 0), .integer(confidential ? 1 : 0), .integer(Int64(today.ordinal)),
                      lookup.map { .blob($0.0) } ?? .null, lookup.map { .text($0.1) } ?? .null])
            let caseID = db.lastInsertRowID
            for blob in sealedBlobs {
                try db.execute("INSERT INTO blobs(case_id, kind, slot, author, day, sealed) VALUES (?, ?, ?, ?, ?, ?)",
                               [.integer(caseID), .text(blob.kind.rawValue), .text(blob.slot), .text(author),
                                .integer(Int64(today.ordinal)), .blob(blob.sealed)])
            }
            if let identity = sealedIdentity {
                try db.execute("INSERT INTO blobs(case_id, kind, slot, author, day, sealed) VALUES (?, 'identity', ?, ?, ?, ?)",
                               [.integer(caseID), .text(identity.slot), .text(author), .integer(Int64(today.ordinal)), .blob(identity.sealed)])
            }
            for grant in sealedGrants + sealedIdentityGrants {
                try Grants.store(db, grant, caseID: caseID)
            }
            for id in intakeIDs {
                try db.execute("INSERT INTO assignments(case_id, account_id, capacity) VALUES (?, ?, 'intake')", [.integer(caseID), .integer(id)])
            }
            // A new report in the intake holders' inbox; queued with the report, so neither
            // exists without the other.
            if notify { try Outbox.enqueue(db, accounts: intakeIDs, at: now) }
            for attachment in sealedAttachments {
                try db.execute("INSERT INTO attachments(case_id, file, author, internal, day, meta_sealed) VALUES (?, ?, ?, 0, ?, ?)",
                               [.integer(caseID), .text(attachment.file), .text(author), .integer(Int64(today.ordinal)), .blob(attachment.meta)])
            }
            if intakeIDs.isEmpty {
                try audit.append(db, actor: "system", action: "intake_unfilled", caseRef: ref,
                                 detail: "no head or alternate intake could take this report; sealed for the recovery key", at: now)
            }
            if let registeredBy {
                try audit.append(db, actor: "staff:\(registeredBy)", action: "register_offline_report", caseRef: ref,
                                 detail: "channel=\(channel.rawValue)", at: now)
            }
            return seq
        }
        return Receipt(code: tracking?.code, registerNumber: RegisterNumber(year: year, sequence: Int(sequence)),
                       receivedOn: today, caseRef: ref)
    }
}
