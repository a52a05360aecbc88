import Casework
import Foundation
import SQLiteDB
import Vault

/// What the reporter sees of a case (art. 11): the coarse status, the messages written to them
/// and their own, how many files they sent, and later the reward decision. Internal kinds are
/// never read here, let alone decrypted.
public struct ReporterView: Sendable {
    public struct Message: Sendable, Equatable {
        public enum From: String, Sendable { case department, reporter }
        public var from: From
        public var day: Day
        public var text: String
    }

    public var status: ReporterStatus
    public var receivedOn: Day
    public var messages: [Message]
    public var evidenceCount: Int
    public var reward: Reward?
    /// The files the reporter sent, by the names and sizes they had, from the sealed metadata
    /// the case key opens; staff files (internal) are not listed.
    public var files: [File] = []

    /// One file as the reporter sent it.
    public struct File: Sendable, Equatable {
        public var name: String
        public var size: Int64
        public var day: Day
    }

    /// The reward decision as the reporter may see it (arts. 13–14).
    public struct Reward: Sendable, Equatable {
        public enum Decision: String, Sendable { case excluded, approved, paid }
        public var decision: Decision
        public var amount: Fen?
        public var claimRef: String?
        /// Art. 14 reason numbers; 0 means an earlier report on the same matter.
        public var reasons: [Int]
    }
}

extension Ledger {
    /// What the reporter may see of their case: its status, the messages both ways, how many
    /// files they sent and any reward decision; never a note, a staff file or a name.
    public func reporterView(_ reporter: ReporterCase) throws -> ReporterView {
        let caseID = reporter.caseID
        let visible = BlobKind.reporterVisible.map(\.rawValue) + [BlobKind.rewardDecision.rawValue]
        let read = { [pool] in try pool.read { db -> (CaseRow?, [BlobRow], [AttachmentRow]) in
            _ = try CaseSeal.checkChannel(db, caseID: caseID, ref: reporter.ref, channel: reporter.channelKey, required: reporter.split)
            let c = try db.queryOne("SELECT \(CaseRow.columns()) FROM cases WHERE id = ?", [.integer(caseID)]).map(CaseRow.init(row:))
            let placeholders = visible.map { _ in "?" }.joined(separator: ", ")
            let b = try db.query("SELECT \(BlobRow.columns()) FROM blobs WHERE case_id = ? AND kind IN (\(placeholders)) ORDER BY id",
                                 [.integer(caseID)] + visible.map(SQLValue.text)).map(BlobRow.init(row:))
            let f = try db.query("SELECT \(AttachmentRow.columns) FROM attachments WHERE case_id = ? AND internal = 0 ORDER BY id",
                                 [.integer(caseID)]).map(AttachmentRow.init(row:))
            return (c, b, f)
        } }
        let caseRow: CaseRow?, blobRows: [BlobRow], fileRows: [AttachmentRow]
        do { (caseRow, blobRows, fileRows) = try read() } catch let tampered as CaseTampered {
            try auditTampering(ref: reporter.ref, actor: "reporter", checks: tampered.checks)
            throw tampered
        }
        guard let caseRow else { throw Problem(description: "this case no longer exists") }
        var messages: [ReporterView.Message] = []
        var reward: ReporterView.Reward?
        for blob in blobRows {
            let plaintext = try blob.open(keys: reporter.channelKey, ref: reporter.ref)
            let text = String(decoding: plaintext, as: UTF8.self)
            let day = blob.day
            switch blob.kind {
            case BlobKind.messageToReporter.rawValue: messages.append(.init(from: .department, day: day, text: text))
            case BlobKind.messageFromReporter.rawValue: messages.append(.init(from: .reporter, day: day, text: text))
            default:
                if let notice = try? JSONBytes.decode(RewardNotice.self, plaintext),
                   let decision = ReporterView.Reward.Decision(rawValue: notice.decision) {
                    reward = .init(decision: decision, amount: notice.amountFen.map(Fen.init), claimRef: notice.claimRef, reasons: notice.reasons)
                }
            }
        }
        let files = try fileRows.map { row -> ReporterView.File in
            let plain = try CaseCrypto.openMeta(row.metaSealed, keys: reporter.channelKey, ref: reporter.ref, file: row.file, internal: false)
            let meta = try JSONBytes.decode(AttachmentMeta.self, plain)
            return .init(name: meta.fileName, size: meta.size, day: row.day)
        }
        return ReporterView(status: ReporterStatus(state: caseRow.state, outcome: caseRow.outcome), receivedOn: caseRow.receivedOn,
                            messages: messages, evidenceCount: fileRows.count, reward: reward, files: files)
    }

    /// A reporter's text over the limit the form states, to be refused whole rather than cut. Nothing in
    /// this module throws it today (noticed while documenting; kept, as it is public API).
    public struct TextTooLong: Error, Sendable {}

    /// The reporter's reply. Dated to the day only, like the report.
    public func reporterReply(_ reporter: ReporterCase, text: String) throws {
        let slot = try CaseCrypto.newSlot()
        let sealed = try CaseCrypto.seal(Array(text.utf8), keys: reporter.channelKey, ref: reporter.ref, kind: .messageFromReporter, slot: slot)
        let (caseID, day, then) = (reporter.caseID, Int64(today.ordinal), notifyHolders(caseID: reporter.caseID))
        try reporterWrite(reporter) { db in
            try Ledger.insertBlob(db, caseID: caseID, kind: .messageFromReporter, blob: (slot, sealed), author: "reporter", day: day)
            try then?(db)
        }
    }

    /// Evidence the reporter adds later: the files were streamed into `staging`, sealed with the
    /// channel key the reporter unlocked.
    public func reporterAddEvidence(_ reporter: ReporterCase, staging: IntakeStaging) throws {
        let rows = try sealedMeta(staging, keys: reporter.channelKey, internal: false)
        let (caseID, day, then) = (reporter.caseID, Int64(today.ordinal), notifyHolders(caseID: reporter.caseID))
        try reporterWrite(reporter) { db in
            try Ledger.insertAttachments(db, caseID: caseID, rows, author: "reporter", internal: false, day: day)
            try then?(db)
        }
    }

    /// Queues a notice for everyone holding the case, in the transaction that stores what the
    /// reporter sent; nil (nothing to do) with notifications off.
    func notifyHolders(caseID: Int64) -> (@Sendable (Database) throws -> Void)? {
        guard notifying else { return nil }
        let now = clock()
        return { db in try Outbox.enqueue(db, accounts: try Outbox.holders(db, caseID: caseID), at: now) }
    }

    /// A staging area for files the reporter adds later, sealed under their case's channel key as
    /// they stream in; nothing is stored until `reporterAddEvidence`.
    public func beginEvidence(_ reporter: ReporterCase) -> IntakeStaging {
        IntakeStaging(ref: reporter.ref, keys: reporter.channelKey, internalFiles: false)
    }

    /// Staff evidence: the staged files' rows, in `c`'s checked write with `then`.
    func attach(_ c: StaffCase, staging: IntakeStaging, then: (@Sendable (Database) throws -> Void)? = nil) throws {
        let rows = try sealedMeta(staging, keys: c.keys, internal: true)
        let (caseID, day, author) = (c.caseID, Int64(today.ordinal), "staff:\(c.accountID)")
        try caseWrite(c) { db in
            try Ledger.insertAttachments(db, caseID: caseID, rows, author: author, internal: true, day: day)
            try then?(db)
        }
    }

    private func sealedMeta(_ staging: IntakeStaging, keys: some CaseKeyring, internal: Bool) throws -> [(String, [UInt8])] {
        try staging.files.map {
            ($0.writer.name, try CaseCrypto.sealMeta(try JSONBytes.encode($0.meta), keys: keys, ref: staging.ref, file: $0.writer.name, internal: `internal`))
        }
    }

    static func insertAttachments(_ db: Database, caseID: Int64, _ rows: [(String, [UInt8])], author: String, internal: Bool, day: Int64) throws {
        for (file, meta) in rows {
            try db.execute("INSERT INTO attachments(case_id, file, author, internal, day, meta_sealed) VALUES (?, ?, ?, ?, ?, ?)",
                           [.integer(caseID), .text(file), .text(author), .integer(`internal` ? 1 : 0), .integer(day), .blob(meta)])
        }
    }
}
