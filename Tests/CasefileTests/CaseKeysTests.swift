import Casework
import Foundation
import SQLiteDB
import Vault
import XCTest
@testable import Casefile
import TestSupport

/// Two keys per case (DESIGN.md): the attack of issue 14, finding 1. Someone holds a reporter's
/// tracking code, a copy of the whole database and files folder, and `Keys/` (the pepper) too, and
/// opens everything they can with what the code gives. Only the reporter's channel opens.
final class CaseKeysTests: XCTestCase {
    var world: World!

    override func setUpWithError() throws {
        world = try World()
        try world.standardRoster()
    }

    override func tearDown() { world = nil }

    func open(_ ref: String, as login: String, _ action: CaseAction = .view) throws -> StaffCase {
        guard case .success(let u) = try world.ledger.login(login, password: World.password, totpCode: ""),
              case .granted(let c) = try world.ledger.staffCase(ref: ref, accountID: u.account.id, key: u.key, action: action) else {
            throw NSError(domain: "open \(ref) as \(login)", code: 1)
        }
        return c
    }

    /// A case with a piece of every internal kind the workflow makes and a staff file.
    func caseWithInternalWork() throws -> Receipt {
        var draft = ReportDraft(category: "bribery", narrative: "KEYS-NARRATIVE", accused: [AccusedPerson(name: "某某", post: "采购员")])
        draft.mode = .realName
        draft.identity = .init(name: "KEYS-REPORTER", phone: "13900002222", otherContact: "")
        let receipt = try world.submit(draft, files: [(name: "reporter.txt", type: "text/plain", bytes: Array("KEYS-REPORTER-FILE".utf8))])
        let ref = receipt.caseRef
        try world.ledger.register(try open(ref, as: "head"), category: nil, message: "KEYS-RECEIVED")
        try world.ledger.addNote(try open(ref, as: "head"), text: "KEYS-NOTE")
        try world.ledger.addNote(try open(ref, as: "head"), kind: .interview, text: "KEYS-INTERVIEW")
        try world.ledger.propose(try open(ref, as: "head"), summary: "KEYS-SUMMARY")
        try world.ledger.decideApproval(try open(ref, as: "chairman"), approve: true)
        try world.ledger.decideApproval(try open(ref, as: "secretary"), approve: true)
        let inspector = try XCTUnwrap(try world.ledger.account(login: "inspector1"))
        try world.ledger.designate(try open(ref, as: "head"), inspectorID: inspector.id)
        try world.ledger.requestIdentity(try open(ref, as: "inspector1"), reason: "KEYS-IDENTITY-REASON")
        let c = try open(ref, as: "inspector1")
        let staging = world.ledger.beginStaffEvidence(c)
        let writer = try staging.beginFile(in: world.ledger.files)
        try writer.write(Array("KEYS-STAFF-FILE".utf8))
        try staging.finishFile(writer, meta: AttachmentMeta(fileName: "interview.txt", contentType: "text/plain", size: 15, metadataStripped: false))
        try world.ledger.attachStaffEvidence(c, staging: staging)
        try world.ledger.fileReport(try open(ref, as: "inspector1"), text: "KEYS-INVESTIGATION-REPORT")
        return receipt
    }

    /// What the holder of the code opens with the database, the files folder and the pepper.
    struct Opened {
        var kinds: Set<String> = []
        var refusedKinds: Set<String> = []
        var files: [String] = []
        var refusedFiles: [String] = []
    }

    func openEverything(code: TrackingCode) throws -> Opened {
        for cost in try world.ledger.lookupCosts() {
            let derived = try TrackingKeys.derive(code: code, pepper: world.keys.pepper, parameters: cost)
            if let hit = try world.ledger.pool.read({ db in try Grants.reporterGrant(db, lookupID: derived.lookupID) }) {
                let key = try Grants.openChannelKey(hit.sealed, ref: hit.ref, reporterKey: derived.reporterKey).key
                return try openEverything(caseID: hit.caseID, ref: hit.ref, with: key)
            }
        }
        throw NSError(domain: "the code opens no case", code: 1)
    }

    func openEverything(caseID: Int64, ref: String, with key: ChannelKey) throws -> Opened {
        var opened = Opened()
        let blobs = try world.ledger.pool.read { db in
            try db.query("SELECT \(BlobRow.columns()) FROM blobs WHERE case_id = ?", [.integer(caseID)]).map(BlobRow.init(row:))
        }
        for blob in blobs {
            if (try? CaseCrypto.openLegacy(blob.sealed, channel: key, ref: ref, kind: blob.kind, slot: blob.slot)) != nil {
                opened.kinds.insert(blob.kind)
            } else {
                opened.refusedKinds.insert(blob.kind)
            }
        }
        let files = try world.ledger.pool.read { db in
            try db.query("SELECT file, meta_sealed FROM attachments WHERE case_id = ?", [.integer(caseID)]).map {
                (try $0.string("file")!, try $0.blob("meta_sealed")!)
            }
        }
        for (file, meta) in files {
            let metaOpens = (try? CaseCrypto.openLegacy(meta, channel: key, ref: ref, kind: "attachment", slot: "file:" + file)) != nil
            var bytes: [UInt8] = []
            let fileOpens = (try? key.withSecret { try world.ledger.files.read(file, key: $0, associatedData: CaseCrypto.fileAD(ref: ref, file: file)) { bytes += $0 } }) != nil
            if metaOpens || fileOpens { opened.files.append(String(decoding: bytes, as: UTF8.self)) } else { opened.refusedFiles.append(file) }
        }
        return opened
    }

    func testACodeAndTheWholeDatabaseOpenTheReportersChannelAndNothingInternal() throws {
        let receipt = try caseWithInternalWork()
        let opened = try openEverything(code: try XCTUnwrap(receipt.code))
        XCTAssertEqual(opened.kinds, ["report", "accused", "message_to_reporter"], "the report as sent and the message to the reporter")
        XCTAssertEqual(opened.refusedKinds, ["exclusions", "note", "interview", "summary", "identity_request_record", "investigation_report", "identity"],
                       "every internal piece, and the identity, stays shut")
        XCTAssertEqual(opened.files, ["KEYS-REPORTER-FILE"], "the reporter's own file opens; the staff file does not")
        XCTAssertEqual(opened.refusedFiles.count, 1)
        // The staff holders read all of it, with both keys.
        let reading = try world.ledger.readCase(try open(receipt.caseRef, as: "head"), readsNotes: true)
        XCTAssertEqual(Set(reading.pieces.map(\.text)).intersection(["KEYS-NOTE", "KEYS-INTERVIEW", "KEYS-SUMMARY", "KEYS-INVESTIGATION-REPORT"]).count, 4)
        let staffFiles = try world.ledger.attachments(try open(receipt.caseRef, as: "head"))
        XCTAssertEqual(Set(staffFiles.map(\.meta.fileName)), ["reporter.txt", "interview.txt"])
    }

    func testTheReportersSideCannotBeAskedForAnInternalKey() throws {
        let key = try ChannelKey.random()
        XCTAssertThrowsError(try CaseCrypto.seal([1], keys: key, ref: "r", kind: .note, slot: "s")) { XCTAssertTrue($0 is ChannelKey.NotInChannel) }
        XCTAssertThrowsError(try CaseCrypto.sealMeta([1], keys: key, ref: "r", file: "f", internal: true))
        XCTAssertNoThrow(try CaseCrypto.seal([1], keys: key, ref: "r", kind: .messageFromReporter, slot: "s"))
    }

    func testEachKindHasItsKey() {
        XCTAssertEqual(Set(BlobKind.allCases.filter(\.isChannel)), [.report, .accused, .messageToReporter, .messageFromReporter, .rewardDecision])
    }
}
