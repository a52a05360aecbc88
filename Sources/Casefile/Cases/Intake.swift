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
    /// Both keys for a new report; the channel key alone for files the reporter adds later.
    let keys: any CaseKeyring
    /// Staff evidence: sealed under the internal key, never the reporter's.
    let internalFiles: Bool
    private(set) var files: [StagedFile] = []

    struct StagedFile {
        let writer: FileStore.Writer
        var meta: AttachmentMeta
    }

    /// How many of the files staged so far keep their metadata: a format not cleaned (other than
    /// JPEG, PNG, MP4/MOV, HEIC), kept as sent, or a cleaning that failed. The reporter is told,
    /// so as to know.
    public var filesWithMetadataKept: Int { files.filter { $0.meta.metadataStripped != true }.count }

    /// The formats of those files ("MOV", "PDF"; nil: unknown), in memory for the reply that
    /// warns the reporter by name; never stored.
    public private(set) var keptFormats: [String?] = []

    public func noteMetadataKept(format: String?) { keptFormats.append(format) }

    init() throws {
        ref = try CaseCrypto.newRef()
        newKeys = try CaseKeys.random()
        keys = newKeys!
        internalFiles = false
    }

    init(ref: String, keys: any CaseKeyring, internalFiles: Bool) {
        self.ref = ref
        self.keys = keys
        self.internalFiles = internalFiles
        newKeys = nil
    }

    /// A new report's two keys (nil when staging files for an existing case).
    let newKeys: CaseKeys?

    /// Starts a sealed file; the caller writes to it and then calls `finishFile`.
    public func beginFile(in store: FileStore) throws -> FileStore.Writer {
        let name = try FileStore.newName()
        return try keys.withFileKey(internal: internalFiles) { try store.writer(name: name, key: $0, associatedData: CaseCrypto.fileAD(ref: ref, file: name)) }
    }

    public func finishFile(_ writer: FileStore.Writer, meta: AttachmentMeta) throws {
        try writer.finish()
        files.append(StagedFile(writer: writer, meta: meta))
    }

    /// The form failed validation or the request broke off: nothing of it stays on disk.
    public func discard() {
        for file in files { file.writer.discard() }
        files.removeAll()
        keptFormats.removeAll()
    }

    public var fileCount: Int { files.count }
}

/// Who receives a report that the reporter's own exclusions keep from the heads.
public enum IntakeDiversion: String, Sendable {
    /// The configured intake alternate.
    case alternate
    /// The leaders in the two approval seats (or their alternates).
    case leaders
    /// No one: sealed for the recovery key until the operator runs `candor recover --unheld`.
    case noOne = "no_one"
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
        // Issue 13: an account whose reading power awaits confirmation is no one's reader yet.
        // RosterSeal: a row the ledger did not write is no one's reader either.
        try db.query("SELECT \(Account.columns) FROM accounts WHERE disabled = 0 AND reading_pending = 0").map { try checked(db, $0) }
            .filter(\.rosterSealHolds)
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
        var tracking: (code: TrackingCode, keys: TrackingKeys, tag: Int64)?
        let cost = try TrackingKeys.parameters(settings.trackingCodeCost)
        if issueCode {
            let code = try TrackingCode.generate(randomBytes: Random.bytes)
            tracking = (code, try kdfGate.run { try TrackingKeys.derive(code: code, pepper: keys.pepper, parameters: cost) },
                        try LookupPrefilter.of(code: code, pepper: keys.pepper).tag)
        }
        let sealed = try seal(draft, staging: staging, exclusions: intake.exclusions, intake: intake.accounts,
                              reporterKey: tracking?.keys.reporterKey)
        let row = NewCase(ref: staging.ref, year: today.year, channel: channel, category: draft.category,
                          realName: draft.mode == .realName, confidential: draft.confidential, day: today,
                          lookup: tracking.map { ($0.keys.lookupID, cost.encoded, $0.tag) },
                          author: registeredBy.map { "staff:\($0)" } ?? "reporter", registeredBy: registeredBy,
                          intakeIDs: intake.accounts.map(\.id))
        let notify = settings.notifications.enabled
        let now = clock()
        let sequence: Int64 = try pool.write { db in try self.insert(row, sealed, notify: notify, at: now, db) }
        return Receipt(code: tracking?.code, registerNumber: RegisterNumber(year: row.year, sequence: Int(sequence)),
                       receivedOn: today, caseRef: staging.ref)
    }

    /// Art. 10: who is kept from the report and who takes it in, by `SeatAssignment.intakePlan`:
    /// the heads not excluded, else the intake alternate, else the leaders in the two seats. Only
    /// when not one reader is left is the report sealed for the recovery key alone; the leaders
    /// and heads then see it counted as unheld (`unheldCaseCount`) until `candor recover` gives it
    /// to someone.
    func intakeHolders(for draft: ReportDraft) throws -> (exclusions: [ExclusionRecord], accounts: [Account]) {
        let roster = try pool.read { db in try self.roster(db) }
        let (exclusions, plan) = intakePlan(for: draft, roster: roster)
        let intake = Set(plan?.accounts ?? [])
        return (CaseSeparation.records(exclusions, accused: draft.namedAccused, roster: roster), roster.filter { intake.contains($0.id) })
    }

    func intakePlan(for draft: ReportDraft, roster: [Account]) -> (exclusions: [Exclusion], plan: IntakePlan?) {
        let logins = Dictionary(uniqueKeysWithValues: roster.map { ($0.id, $0.login) })
        let exclusions = Separation.exclusions(accused: draft.namedAccused, pickedAccountIDs: draft.excludedHandlers,
                                               roster: roster.map(\.rosterEntry))
        let plan = SeatAssignment.intakePlan(roster: roster.map(\.rosterEntry), excluded: Set(exclusions.map(\.accountID)),
                                             alternates: settings.alternates, loginOf: { logins[$0] })
        return (exclusions, plan)
    }

    /// Whether the people this draft names or picks keep it from the department's heads, and who
    /// receives it instead; nil when it goes the usual way (or would go this way whatever the
    /// reporter chose, e.g. a roster with no head at all). The report form asks the reporter to
    /// confirm before sending such a report. It names no account and no exclusion basis, so the
    /// form shows nothing of the roster beyond the handler list it already offers.
    public func intakeDiversion(for draft: ReportDraft) throws -> IntakeDiversion? {
        let roster = try pool.read { db in try self.roster(db) }
        let chosen = intakePlan(for: draft, roster: roster).plan?.route
        guard chosen != .heads else { return nil }
        let usual = intakePlan(for: ReportDraft(), roster: roster).plan?.route
        guard usual == .heads else { return nil }
        switch chosen {
        case .alternate?: return .alternate
        case .leaders?: return .leaders
        case .heads?: return nil
        case nil: return .noOne
        }
    }

    /// Everything of a new case that is stored sealed, sealed before the write transaction opens
    /// so that no key work holds the database's write lock.
    struct SealedCase {
        var blobs: [(kind: BlobKind, slot: String, sealed: [UInt8])] = []
        var grants: [Grants.Sealed] = []
        var identity: (slot: String, sealed: [UInt8])?
        var attachments: [(file: String, meta: [UInt8])] = []
        /// The case's two keys, to seal its state once the rows exist.
        var keys: CaseKeys?
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
        let lookup: (id: [UInt8], params: String, tag: Int64)?
        let author: String
        let registeredBy: Int64?
        let intakeIDs: [Int64]
    }

    private func seal(_ draft: ReportDraft, staging: IntakeStaging, exclusions: [ExclusionRecord], intake: [Account],
                      reporterKey: ReporterKey?) throws -> SealedCase {
        guard let caseKeys = staging.newKeys else { throw Problem(description: "a report is staged with new keys") }
        let ref = staging.ref
        var out = SealedCase()
        out.keys = caseKeys
        func add(_ kind: BlobKind, _ plaintext: [UInt8]) throws {
            let slot = try CaseCrypto.newSlot()
            out.blobs.append((kind, slot, try CaseCrypto.seal(plaintext, keys: caseKeys, ref: ref, kind: kind, slot: slot)))
        }
        try add(.report, JSONBytes.encode(ReportContent(draft)))
        try add(.accused, JSONBytes.encode(draft.namedAccused))
        try add(.exclusions, JSONBytes.encode(exclusions))

        // The same check as every later grant, on what is about to be sealed.
        let separation = CaseSeparation(ref: ref, accused: draft.namedAccused, records: exclusions)
        let cleared = try intake.map { ($0, try separation.clear($0)) }
        out.grants = try cleared.flatMap { try Grants.seal(caseKeys, ref: ref, for: $0, cleared: $1) }
        out.grants += try Grants.sealForRecovery(caseKeys, ref: ref, to: keys.recoveryPublicKey)
        if let reporterKey {
            out.grants.append(try Grants.sealForReporter(caseKeys.channel, ref: ref, reporterKey: reporterKey))
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
            out.attachments.append((file.writer.name, try CaseCrypto.sealMeta(try JSONBytes.encode(file.meta), keys: caseKeys, ref: ref,
                                                                             file: file.writer.name, internal: false)))
        }
        return out
    }

    /// One transaction: the case, its sealed parts, its intake, its notices and its audit entries
    /// exist together or not at all. Returns the register sequence.
    private func insert(_ c: NewCase, _ sealed: SealedCase, notify: Bool, at now: Int64, _ db: Database) throws -> Int64 {
        let seq = try unusedRegisterSequence(db, year: c.year)
        let day = Int64(c.day.ordinal)
        try db.execute("""
            INSERT INTO cases(ref, register_year, register_seq, channel, category, state, real_name, confidential,
                              received_day, lookup_id, lookup_params, lookup_tag)
            VALUES (?, ?, ?, ?, ?, 'submitted', ?, ?, ?, ?, ?, ?)
            """, [.text(c.ref), .integer(Int64(c.year)), .integer(seq), .text(c.channel.rawValue), .text(c.category),
                  .integer(c.realName ? 1 : 0), .integer(c.confidential ? 1 : 0), .integer(day),
                  c.lookup.map { .blob($0.id) } ?? .null, c.lookup.map { .text($0.params) } ?? .null,
                  c.lookup.map { .integer($0.tag) } ?? .null])
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
        try DueDays.refresh(db, caseID: caseID, settings: settings)
        if let keys = sealed.keys { try CaseSeal.write(db, caseID: caseID, ref: c.ref, keys: keys) }
        // Whoever takes intake (heads, the alternate or the leaders), the audit log says the same
        // thing, so the log does not tell who was kept from which report; the route is in the
        // sealed exclusions. Only a report no one at all may read is flagged, for the operator.
        if c.intakeIDs.isEmpty {
            try audit.append(db, actor: "system", action: "intake_unfilled", caseRef: c.ref,
                             detail: "sealed for the recovery key only: candor recover --unheld", at: now)
        }
        if let registeredBy = c.registeredBy {
            try audit.append(db, actor: "staff:\(registeredBy)", action: "register_offline_report", caseRef: c.ref,
                             detail: "channel=\(c.channel.rawValue)", at: now)
        }
        return seq
    }

    /// A register number an excluded reader cannot count from: a random unused six-digit number
    /// of the year rather than the arrival sequence, so that a gap in one's inbox (1, 2, 4) does
    /// not show that a case was kept from one. Arrival order stays in `received_day` and the
    /// row id, which no page shows.
    func unusedRegisterSequence(_ db: Database, year: Int) throws -> Int64 {
        for _ in 0..<64 {
            let raw = try Random.bytes(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            let candidate = Int64(raw % 999_999) + 1
            if try db.queryOne("SELECT 1 FROM cases WHERE register_year = ? AND register_seq = ?",
                               [.integer(Int64(year)), .integer(candidate)]) == nil { return candidate }
        }
        throw Problem(description: "no unused register number found for \(year): the year's register is nearly full")
    }
}
