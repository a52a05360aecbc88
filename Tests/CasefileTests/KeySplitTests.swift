import Casework
import Foundation
import SQLiteDB
import Vault
import XCTest
@testable import Casefile
import TestSupport

/// A database made before issue 14 holds each case under one key, which the reporter's grant
/// holds too. The first staff open (or the recovery key) splits such a case; until then a code
/// and the database open its internal work, after it they open nothing internal.
final class KeySplitTests: XCTestCase {
    var world: World!

    override func setUpWithError() throws {
        world = try World()
        try world.standardRoster()
    }

    override func tearDown() { world = nil }

    func access(_ ref: String, as login: String) throws -> StaffCaseAccess {
        guard case .success(let u) = try world.ledger.login(login, password: World.password, totpCode: "") else {
            throw NSError(domain: "login \(login)", code: 1)
        }
        return try world.ledger.staffCase(ref: ref, accountID: u.account.id, key: u.key, action: .view)
    }

    func open(_ ref: String, as login: String = "head") throws -> StaffCase {
        guard case .granted(let c) = try access(ref, as: login) else { throw NSError(domain: "open \(ref) as \(login)", code: 1) }
        return c
    }

    /// A case with a message, a note, a summary before the seats and a staff file.
    func caseWithWork() throws -> Receipt {
        let receipt = try world.submit(ReportDraft(category: "bribery", narrative: "SPLIT-NARRATIVE", accused: []),
                                       files: [(name: "mine.txt", type: "text/plain", bytes: Array("SPLIT-REPORTER-FILE".utf8))])
        try world.ledger.register(try open(receipt.caseRef), category: nil, message: "SPLIT-RECEIVED")
        try world.ledger.addNote(try open(receipt.caseRef), text: "SPLIT-NOTE")
        try world.ledger.propose(try open(receipt.caseRef), summary: "SPLIT-SUMMARY")
        let c = try open(receipt.caseRef)
        let staging = world.ledger.beginStaffEvidence(c)
        let writer = try staging.beginFile(in: world.ledger.files)
        try writer.write(Array("SPLIT-STAFF-FILE".utf8))
        try staging.finishFile(writer, meta: AttachmentMeta(fileName: "staff.txt", contentType: "text/plain", size: 16, metadataStripped: false))
        try world.ledger.attachStaffEvidence(c, staging: staging)
        return receipt
    }

    func reporterKey(_ receipt: Receipt) throws -> ReporterKey {
        let params = try XCTUnwrap(try world.ledger.pool.read { db in
            try db.scalar("SELECT lookup_params FROM cases WHERE ref = ?", [.text(receipt.caseRef)], as: String.self)
        })
        return try TrackingKeys.derive(code: try XCTUnwrap(receipt.code), pepper: world.keys.pepper,
                                       parameters: try ScryptParameters(encoded: params)).reporterKey
    }

    /// Rewrites a case as the code before issue 14 stored it: every piece and file under the one
    /// key (the channel key), every grant of it under the `v1` context, no internal grant, no seal.
    func makeOld(_ receipt: Receipt) throws {
        let (ref, recovery, files) = (receipt.caseRef, RecoveryPrivateKey(world.recoveryKey), world.ledger.files)
        let reporterKey = try reporterKey(receipt)
        let ledger = world.ledger!
        try world.ledger.pool.write { db in
            let id = try XCTUnwrap(try db.scalar("SELECT id FROM cases WHERE ref = ?", [.text(ref)], as: Int64.self))
            guard case .keys(let keys) = try Grants.openCaseKeys(
                channel: try XCTUnwrap(try Grants.sealedKey(db, .caseKey, caseID: id, holder: Holder.recovery)),
                internal: try Grants.sealedKey(db, .internalKey, caseID: id, holder: Holder.recovery), ref: ref, with: recovery)
            else { throw NSError(domain: "not a two-key case", code: 1) }
            let one = keys.channel
            for blob in try db.query("SELECT \(BlobRow.columns()) FROM blobs WHERE case_id = ?", [.integer(id)]).map(BlobRow.init(row:)) {
                let kind = try blob.blobKind()
                guard kind != .identity, !kind.isChannel else { continue }
                let plain = try blob.open(keys: keys, ref: ref)
                let old = try one.withSecret { try AESGCM.seal(plain, key: $0, associatedData: CaseCrypto.blobAD(ref: ref, kind: blob.kind, slot: blob.slot)) }
                try db.execute("UPDATE blobs SET sealed = ? WHERE slot = ?", [.blob(old), .text(blob.slot)])
            }
            for row in try db.query("SELECT file, meta_sealed FROM attachments WHERE case_id = ? AND internal = 1", [.integer(id)]) {
                let file = try row.string("file")!
                let meta = try CaseCrypto.openMeta(try row.blob("meta_sealed")!, keys: keys, ref: ref, file: file, internal: true)
                let oldMeta = try one.withSecret { try AESGCM.seal(meta, key: $0, associatedData: CaseCrypto.blobAD(ref: ref, kind: "attachment", slot: "file:" + file)) }
                var bytes: [UInt8] = []
                try keys.withFileKey(internal: true) { try files.read(file, key: $0, associatedData: CaseCrypto.fileAD(ref: ref, file: file)) { bytes += $0 } }
                let writer = try one.withSecret { try files.writer(name: file, key: $0, associatedData: CaseCrypto.fileAD(ref: ref, file: file)) }
                try writer.write(bytes)
                try writer.finish()
                try db.execute("UPDATE attachments SET meta_sealed = ? WHERE file = ?", [.blob(oldMeta), .text(file)])
            }
            for (holder, accountID) in try Grants.holders(db, .caseKey, caseID: id) {
                let context = Grants.caseContext(ref: ref, holder: holder)
                let sealed: [UInt8]
                if holder == Holder.reporter {
                    sealed = try one.withSecret { secret in try reporterKey.withSecret { try AESGCM.seal(secret, key: $0, associatedData: context) } }
                } else if let accountID {
                    let account = try XCTUnwrap(try ledger.account(id: accountID))
                    sealed = try one.withSecret { try SealedBox.seal($0, to: try account.x25519PublicKey(), context: context) }
                } else {
                    sealed = try one.withSecret { try SealedBox.seal($0, to: recovery.publicKey, context: context) }
                }
                try db.execute("UPDATE grants SET sealed_key = ? WHERE case_id = ? AND holder = ?", [.blob(sealed), .integer(id), .text(holder)])
            }
            try db.execute("DELETE FROM internal_grants WHERE case_id = ?", [.integer(id)])
            try db.execute("UPDATE cases SET state_seal = NULL, channel_seal = NULL WHERE id = ?", [.integer(id)])
        }
    }

    /// What the code opens of the case's internal pieces and staff files, with the database.
    func internalOpenedByTheCode(_ receipt: Receipt) throws -> [String] {
        let (ref, files) = (receipt.caseRef, world.ledger.files)
        let grant = try XCTUnwrap(try world.ledger.pool.read { db in
            try Grants.sealedKey(db, .caseKey, caseID: try XCTUnwrap(try db.scalar("SELECT id FROM cases WHERE ref = ?", [.text(ref)], as: Int64.self)),
                                 holder: Holder.reporter)
        })
        let channel = try Grants.openChannelKey(grant, ref: ref, reporterKey: try reporterKey(receipt)).key
        var opened: [String] = []
        let rows = try world.ledger.pool.read { db in
            (try db.query("SELECT b.kind, b.slot, b.sealed FROM blobs b JOIN cases c ON c.id = b.case_id WHERE c.ref = ?", [.text(ref)]),
             try db.query("SELECT a.file FROM attachments a JOIN cases c ON c.id = a.case_id WHERE c.ref = ? AND a.internal = 1", [.text(ref)]))
        }
        for row in rows.0 {
            let kind = try row.string("kind")!
            guard let k = BlobKind(rawValue: kind), !k.isChannel, k != .identity else { continue }
            if let plain = try? CaseCrypto.openLegacy(try row.blob("sealed")!, channel: channel, ref: ref, kind: kind, slot: try row.string("slot")!) {
                opened.append(String(decoding: plain, as: UTF8.self))
            }
        }
        for row in rows.1 {
            let file = try row.string("file")!
            var bytes: [UInt8] = []
            if (try? channel.withSecret { try files.read(file, key: $0, associatedData: CaseCrypto.fileAD(ref: ref, file: file)) { bytes += $0 } }) != nil {
                opened.append(String(decoding: bytes, as: UTF8.self))
            }
        }
        return opened.sorted()
    }

    func splits(_ ref: String) throws -> [String] {
        try world.ledger.pool.read { db in
            try db.query("SELECT actor FROM audit_log WHERE action = 'keys_split' AND case_ref = ?", [.text(ref)]).map { try $0.string("actor")! }
        }
    }

    func testTheFirstStaffOpenSplitsAnOldCaseAndTheCodeThenOpensNothingInternal() throws {
        let receipt = try caseWithWork()
        XCTAssertEqual(try internalOpenedByTheCode(receipt), [], "a new case: nothing internal under the code")
        try makeOld(receipt)
        XCTAssertEqual(try internalOpenedByTheCode(receipt), ["SPLIT-NOTE", "SPLIT-STAFF-FILE", "SPLIT-SUMMARY", "[]"].sorted(),
                       "an old case: the code and the database open its internal work (the finding)")

        let c = try open(receipt.caseRef)
        XCTAssertEqual(try splits(receipt.caseRef), ["staff:\(c.accountID)"])
        XCTAssertEqual(try internalOpenedByTheCode(receipt), [], "split: the code and the database open nothing internal")
        // The head reads everything; the other holders open it with their new grants, without a second split.
        let reading = try world.ledger.readCase(c, readsNotes: true)
        XCTAssertTrue(reading.pieces.contains { $0.text == "SPLIT-NOTE" })
        let staffFile = try XCTUnwrap(try world.ledger.attachments(c).first { $0.internalOnly })
        var bytes: [UInt8] = []
        try world.ledger.readAttachment(c, file: staffFile.file) { bytes += $0 }
        XCTAssertEqual(String(decoding: bytes, as: UTF8.self), "SPLIT-STAFF-FILE")
        XCTAssertEqual(staffFile.meta.fileName, "staff.txt")
        for login in ["chairman", "secretary"] { XCTAssertNoThrow(try open(receipt.caseRef, as: login), login) }
        XCTAssertEqual(try splits(receipt.caseRef).count, 1)
        // The reporter's old grant still opens the channel, and what they add keeps the seals whole.
        let reporter = try XCTUnwrap(try world.ledger.openCase(code: try XCTUnwrap(receipt.code).digits, gate: LookupGateHandle()).get())
        XCTAssertEqual(try world.ledger.reporterView(reporter).messages.map(\.text), ["SPLIT-RECEIVED"])
        try world.ledger.reporterReply(reporter, text: "SPLIT-REPLY")
        XCTAssertTrue(try world.ledger.readCase(try open(receipt.caseRef), readsNotes: false).pieces.contains { $0.text == "SPLIT-REPLY" })
        // Only the new staff file exists on disk: the old one was deleted with the split.
        let names = Set(try FileManager.default.contentsOfDirectory(atPath: world.dataFolder.appendingPathComponent("files").path))
        XCTAssertEqual(names.count, 2, "the reporter's file and the staff file re-sealed under a new name")
    }

    func testTheRecoveryKeySplitsAnOldCaseToo() throws {
        let receipt = try caseWithWork()
        try makeOld(receipt)
        let outcome = try world.ledger.recoverAccess(recoveryKey: RecoveryPrivateKey(world.recoveryKey), to: "head", caseRefs: [receipt.caseRef])
        XCTAssertEqual(outcome.map(\.result), [.alreadyHeld])
        XCTAssertEqual(try splits(receipt.caseRef), ["cli:recover"])
        XCTAssertEqual(try internalOpenedByTheCode(receipt), [])
        XCTAssertNoThrow(try open(receipt.caseRef))
    }
}

extension KeySplitTests {
    func testSplitOldCasesSplitsEveryOldCaseAtOnceAndLeavesNewOnesAlone() throws {
        let old = try caseWithWork()
        let new = try caseWithWork()
        try makeOld(old)
        let outcomes = try world.ledger.splitOldCases(recoveryKey: RecoveryPrivateKey(world.recoveryKey))
        XCTAssertEqual(outcomes.map(\.ref), [old.caseRef])
        XCTAssertEqual(outcomes.map(\.result), [.split])
        XCTAssertEqual(try internalOpenedByTheCode(old), [])
        XCTAssertEqual(try splits(new.caseRef), [])
        XCTAssertEqual(try world.ledger.splitOldCases(recoveryKey: RecoveryPrivateKey(world.recoveryKey)), [], "nothing left to split")
        XCTAssertNoThrow(try open(old.caseRef))
    }
}
