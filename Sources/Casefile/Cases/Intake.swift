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
        let today = self.today
        let intake = try intakeHolders(for: draft)
        var tracking: (code: TrackingCode, keys: TrackingKeys)?
        if issueCode {
            let code = try TrackingCode.generate(randomBytes: Random.bytes)
            tracking = (code, try kdfGate.run { try TrackingKeys.derive(code: code, pepper: keys.pepper) })
        }
        let sealed = try seal(draft, staging: staging, exclusions: intake.exclusions, intake: intake.accounts,
                              reporterKey: tracking?.keys.reporterKey)
        let row = NewCase(ref: staging.ref, year: today.year, channel: channel, category: draft.category,
                          realName: draft.mode == .realName, confidential: draft.confidential, day: today,
                          lookup: tracking.map { ($0.keys.lookupID, TrackingKeys.parameters.encoded) },
                          author: registeredBy.map { "staff:\($0)" } ?? "reporter", registeredBy: registeredBy,
                          intakeIDs: intake.accounts.map(\.id))
        let notify = settings.notifications.enabled
        let now = clock()
        let sequence: Int64 = try pool.write { db in try self.insert(row, sealed, notify: notify, at: now, db) }
        return Receipt(code: tracking?.code, registerNumber: RegisterNumber(year: row.year, sequence: Int(sequence)),
                       receivedOn: today, caseRef: staging.ref)
    }

    /// Art. 10: who is kept from the report and who takes it in. A report is never refused for
    /// want of a handler: with no one to take intake it is sealed for the recovery key alone
    /// and the gap is audited.
    private func intakeHolders(for draft: ReportDraft) throws -> (exclusions: [ExclusionRecord], accounts: [Account]) {
        let roster = try pool.read { db in try self.roster(db) }
        let logins = Dictionary(uniqueKeysWithValues: roster.map { ($0.id, $0.login) })
        let exclusions = Separation.exclusions(accused: draft.namedAccused, pickedAccountIDs: draft.excludedHandlers,
                                               roster: roster.map(\.rosterEntry))
        let excluded = Set(exclusions.map(\.accountID))
        let intake = (try? SeatAssignment.intake(roster: roster.map(\.rosterEntry), excluded: excluded,
                                                 alternates: settings.alternates, loginOf: { logins[$0] })) ?? []
        return (CaseSeparation.records(exclusions, accused: draft.namedAccused, roster: roster), roster.filter { intake.contains($0.id) })
    }

    /// Everything of a new case that is stored sealed, sealed before the write transaction opens
    /// so that no key work holds the database's write lock.
    struct SealedCase {
        var blobs: [(kind: BlobKind, slot: String, sealed: [UInt8])] = []
        var grants: [Grants.Sealed] = []
        var identity: (slot: String, sealed: [UInt8])?
        var attachments: [(file: String, meta: [UInt8])] = []
    }

    /// The plaintext columns of a new case row and who it is for.
    struct NewCase {
        let ref: String
        let year: Int
        let channel: Channel
        let category: String
        let realName: Bool
        let confidential: Bool
        let day: Day
        let lookup: (id: [UInt8], params: String)?
        let author: String
        let registeredBy: Int64?
        let intakeIDs: [Int64]
    }

    private func seal(_ draft: ReportDraft, staging: IntakeStaging, exclusions: [ExclusionRecord], intake: [Account],
                      reporterKey: ReporterKey?) throws -> SealedCase {
        let ref = staging.ref, caseKey = staging.caseKey
        var out = SealedCase()
        func add(_ kind: BlobKind, _ plaintext: [UInt8]) throws {
            let slot = try CaseCrypto.newSlot()
            out.blobs.append((kind, slot, try CaseCrypto.seal(plaintext, caseKey: caseKey, ref: ref, kind: kind.rawValue, slot: slot)))
        }
        try add(.report, JSONBytes.encode(ReportContent(draft)))
        try add(.accused, JSONBytes.encode(draft.namedAccused))
        try add(.exclusions, JSONBytes.encode(exclusions))

        // The same check as every later grant, on what is about to be sealed.
        let separation = CaseSeparation(ref: ref, accused: draft.namedAccused, records: exclusions)
        let cleared = try intake.map { ($0, try separation.clear($0)) }
        out.grants = try cleared.map { try Grants.seal(caseKey, ref: ref, for: $0, cleared: $1) }
        out.grants.append(try Grants.sealForRecovery(caseKey, ref: ref, to: keys.recoveryPublicKey))
        if let reporterKey {
            out.grants.append(try Grants.sealForReporter(caseKey, ref: ref, reporterKey: reporterKey))
        }
        // Arts. 4 and 16: the identity under its own key, for the intake head(s) and recovery only.
        if draft.mode == .realName, let identity = draft.identity {
            let identityKey = try IdentityKey.random()
            let slot = try CaseCrypto.newSlot()
            out.identity = (slot, try CaseCrypto.seal(try JSONBytes.encode(identity), identityKey: identityKey, ref: ref, slot: slot))
            out.grants += try cleared.map { try Grants.seal(identityKey, ref: ref, for: $0, cleared: $1) }
            out.grants.append(try Grants.sealForRecovery(identityKey, ref: ref, to: keys.recoveryPublicKey))
        }
        for file in staging.files {
            let slot = "file:" + file.writer.name
            out.attachments.append((file.writer.name, try CaseCrypto.seal(try JSONBytes.encode(file.meta), caseKey: caseKey, ref: ref,
                                                                         kind: "attachment", slot: slot)))
        }
        return out
    }

    /// One transaction: the case, its sealed parts, its intake, its notices and its audit entries
    /// exist together or not at all. Returns the register sequence.
    private func insert(_ c: NewCase, _ sealed: SealedCase, notify: Bool, at now: Int64, _ db: Database) throws -> Int64 {
        let seq = try nextSequence(db, "register:\(c.year)")
        let day = Int64(c.day.ordinal)
        try db.execute("""
            INSERT INTO cases(ref, register_year, register_seq, channel, category, state, real_name, confidential,
                              received_day, lookup_id, lookup_params)
            VALUES (?, ?, ?, ?, ?, 'submitted', ?, ?, ?, ?, ?)
            """, [.text(c.ref), .integer(Int64(c.year)), .integer(seq), .text(c.channel.rawValue), .text(c.category),
                  .integer(c.realName ? 1 : 0), .integer(c.confidential ? 1 : 0), .integer(day),
                  c.lookup.map { .blob($0.id) } ?? .null, c.lookup.map { .text($0.params) } ?? .null])
        let caseID = db.lastInsertRowID
        for blob in sealed.blobs {
            try db.execute("INSERT INTO blobs(case_id, kind, slot, author, day, sealed) VALUES (?, ?, ?, ?, ?, ?)",
                           [.integer(caseID), .text(blob.kind.rawValue), .text(blob.slot), .text(c.author), .integer(day), .blob(blob.sealed)])
        }
        if let identity = sealed.identity {
            try db.execute("INSERT INTO blobs(case_id, kind, slot, author, day, sealed) VALUES (?, 'identity', ?, ?, ?, ?)",
                           [.integer(caseID), .text(identity.slot), .text(c.author), .integer(day), .blob(identity.sealed)])
        }
        for grant in sealed.grants { try Grants.store(db, grant, caseID: caseID) }
        for id in c.intakeIDs {
            try db.execute("INSERT INTO assignments(case_id, account_id, capacity) VALUES (?, ?, 'intake')", [.integer(caseID), .integer(id)])
        }
        // A new report in the intake holders' inbox; queued with the report, so neither exists
        // without the other.
        if notify { try Outbox.enqueue(db, accounts: c.intakeIDs, at: now) }
        for attachment in sealed.attachments {
            try db.execute("INSERT INTO attachments(case_id, file, author, internal, day, meta_sealed) VALUES (?, ?, ?, 0, ?, ?)",
                           [.integer(caseID), .text(attachment.file), .text(c.author), .integer(day), .blob(attachment.meta)])
        }
        if c.intakeIDs.isEmpty {
            try audit.append(db, actor: "system", action: "intake_unfilled", caseRef: c.ref,
                             detail: "no head or alternate intake could take this report; sealed for the recovery key", at: now)
        }
        if let registeredBy = c.registeredBy {
            try audit.append(db, actor: "staff:\(registeredBy)", action: "register_offline_report", caseRef: c.ref,
                             detail: "channel=\(c.channel.rawValue)", at: now)
        }
        return seq
    }
}
