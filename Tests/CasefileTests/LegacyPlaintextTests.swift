import Casework
import Foundation
import SQLiteDB
import Vault
import XCTest
@testable import Casefile
import TestSupport

/// Issue 14 on a database from before it: the rows the old code wrote in the clear (a reward's
/// loss, amount and exclusion text, a same-matter pair, a prior-knowledge kind, days and source,
/// who asked for an identity and who decided) are sealed into the case and cleared from the file
/// the next time a staff member who holds the case opens it; nothing of them is lost.
final class LegacyPlaintextTests: XCTestCase {
    var world: World!
    var head: (id: Int64, key: StaffPrivateKey)!
    let loss = Int64(8_123_456_787)
    let amount = Int64(431_977)

    override func setUpWithError() throws {
        world = try World()
        try world.standardRoster()
        let account = try XCTUnwrap(try world.ledger.account(login: "head"))
        head = (account.id, try XCTUnwrap(try world.ledger.unlockKey(accountID: account.id, password: World.password)))
    }

    override func tearDown() { world = nil }

    func open(_ receipt: Receipt) throws -> StaffCase {
        guard case .granted(let c) = try world.ledger.staffCase(ref: receipt.caseRef, accountID: head.id, key: head.key, action: .view) else {
            XCTFail("the head holds the case")
            throw CocoaError(.featureUnsupported)
        }
        return c
    }

    func storedBytes() throws -> [UInt8] {
        let path = world.dataFolder.appendingPathComponent(Ledger.databaseName).path
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        if let wal = try? Data(contentsOf: URL(fileURLWithPath: path + "-wal")) { bytes += Array(wal) }
        return bytes
    }

    /// Writes what the code before issue 14 wrote, with its own SQL, into `main` (linked to and
    /// excluded because of `earlier`) and `earlier` (proposed an amount).
    func writeAsTheOldCodeDid(main: StaffCase, earlier: StaffCase, inspectorID: Int64, exclusion: String) throws {
        let fact = try JSONBytes.encode(Ledger.PriorKnowledgeFact(kind: "investigating", what: "早已立案", source: "OLD-SOURCE-5523",
                                                                 sourceCase: earlier.registerNumber.description))
        let factSlot = try CaseCrypto.newSlot()
        let sealedFact = try CaseCrypto.seal(fact, keys: main.keys, ref: main.ref, kind: .priorKnowledge, slot: factSlot)
        let reasonSlot = try CaseCrypto.newSlot()
        let sealedReason = try CaseCrypto.seal(Array("旧的申请理由".utf8), keys: main.keys, ref: main.ref, kind: .identityRequest, slot: reasonSlot)
        let (today, headID, loss, amount) = (Int64(world.ledger.today.ordinal), head.id, loss, amount)
        try world.ledger.pool.write { db in
            try db.execute("INSERT INTO rewards(case_id, verified_loss_fen, state, exclusions) VALUES (?, ?, ?, ?)",
                           [.integer(main.caseID), .integer(loss), .text("excluded"), .text(exclusion)])
            try db.execute("INSERT INTO rewards(case_id, verified_loss_fen, state, exclusions, amount_fen) VALUES (?, ?, 'proposed', '', ?)",
                           [.integer(earlier.caseID), .integer(loss + 2), .integer(amount)])
            try db.execute("INSERT INTO same_matter(case_id, other_case_id) VALUES (?, ?)", [.integer(main.caseID), .integer(earlier.caseID)])
            try Ledger.insertBlob(db, caseID: main.caseID, kind: .priorKnowledge, blob: (factSlot, sealedFact), author: "staff:\(headID)", day: today)
            try db.execute("INSERT INTO prior_knowledge(case_id, kind, recorded_day, entered_day, source_case_id) VALUES (?, ?, ?, ?, ?)",
                           [.integer(main.caseID), .text("investigating"), .integer(today), .integer(today), .integer(earlier.caseID)])
            try Ledger.insertBlob(db, caseID: main.caseID, kind: .identityRequest, blob: (reasonSlot, sealedReason), author: "staff:\(inspectorID)", day: today)
            try db.execute("INSERT INTO identity_requests(case_id, account_id, reason_slot, state, decided_by) VALUES (?, ?, ?, 'refused', ?)",
                           [.integer(main.caseID), .integer(inspectorID), .text(reasonSlot), .integer(headID)])
        }
    }

    /// An upgraded installation: two reports whose old rows the code before issue 14 wrote.
    func upgradedWithOldRows() throws -> (main: Receipt, earlier: Receipt, inspectorID: Int64, exclusion: String) {
        let earlierReceipt = try world.submit(Samples.draft(1))
        var draft = Samples.draft(2)
        draft.mode = .realName
        draft.identity = ReportDraft.Identity(name: "吴实名", phone: "13900000000", otherContact: "")
        let mainReceipt = try world.submit(draft)
        let inspector = try XCTUnwrap(try world.ledger.account(login: "inspector1"))
        let exclusion = "earlier report \(earlierReceipt.registerNumber) \(world.ledger.today)"
        try writeAsTheOldCodeDid(main: try open(mainReceipt), earlier: try open(earlierReceipt), inspectorID: inspector.id, exclusion: exclusion)
        // Rows that were there before the cases had seals: the seals bind them (an old case's
        // first open seals its rows as they stand, KeySplit); only the old plaintext is at issue here.
        for receipt in [mainReceipt, earlierReceipt] { try world.rewrite(receipt.caseRef, "SELECT 1") }
        // The upgraded server starts on a database that holds them.
        try world.reopen()
        try world.ledger.pool.checkpoint()
        return (mainReceipt, earlierReceipt, inspector.id, exclusion)
    }

    var lossBytes: [UInt8] { Array(withUnsafeBytes(of: loss.bigEndian, Array.init).suffix(6)) }

    func assertOldRowsCleared(file: StaticString = #filePath, line: UInt = #line) throws {
        try world.ledger.pool.read { db in
            XCTAssertEqual(try db.scalar("SELECT count(*) FROM rewards WHERE verified_loss_fen IS NOT NULL OR exclusions IS NOT NULL OR amount_fen IS NOT NULL",
                                         as: Int.self), 0, file: file, line: line)
            XCTAssertEqual(try db.scalar("SELECT count(*) FROM same_matter", as: Int.self), 0, file: file, line: line)
            XCTAssertEqual(try db.scalar("SELECT count(*) FROM prior_knowledge", as: Int.self), 0, file: file, line: line)
            XCTAssertEqual(try db.scalar("SELECT count(*) FROM identity_requests WHERE account_id IS NOT NULL OR decided_by IS NOT NULL", as: Int.self), 0,
                           file: file, line: line)
        }
    }

    func testOldPlaintextRowsAreSealedAndClearedByTheNextStaffOpen() throws {
        let (mainReceipt, earlierReceipt, inspectorID, exclusion) = try upgradedWithOldRows()
        let before = try storedBytes()
        XCTAssertTrue(before.contains(bytes: Array(exclusion.utf8)) && before.contains(bytes: lossBytes), "the old rows are in the file")

        let main = try open(mainReceipt)
        let earlier = try open(earlierReceipt)
        let after = try storedBytes()
        XCTAssertFalse(after.contains(bytes: Array(exclusion.utf8)), "the exclusion text, with the linked register number, is gone from the file")
        XCTAssertFalse(after.contains(bytes: lossBytes), "the loss is gone from the file")
        try assertOldRowsCleared()

        // Nothing was lost: each piece reads back, sealed now.
        let excluded = try XCTUnwrap(try world.ledger.reward(main))
        XCTAssertEqual(excluded.verifiedLoss, Fen(loss))
        XCTAssertEqual(excluded.state, "excluded")
        XCTAssertEqual(excluded.exclusions, [exclusion])
        XCTAssertEqual(try world.ledger.reward(earlier)?.amount, Fen(amount))
        let prior = try world.ledger.priorKnowledge(main)
        XCTAssertEqual(prior.map(\.kind), [.investigating])
        XCTAssertEqual(prior.first?.source, "OLD-SOURCE-5523")
        XCTAssertEqual(prior.first?.knownSince, earlier.receivedOn)
        let requests = try world.ledger.identityRequests(main)
        XCTAssertEqual(requests.map(\.accountID), [inspectorID])
        XCTAssertEqual(requests.map(\.state), ["refused"])
        XCTAssertEqual(requests.map(\.reason), ["旧的申请理由"])
    }

    /// `candor recover` opens the case key with the recovery key: the cases it restores are
    /// sealed and cleared there too, before anyone logs in.
    func testRecoverySealsAndClearsTheOldRowsOfTheCasesItOpens() throws {
        let (main, earlier, _, exclusion) = try upgradedWithOldRows()
        _ = try world.ledger.recoverAccess(recoveryKey: RecoveryPrivateKey(world.recoveryKey), to: "head", caseRefs: [main.caseRef, earlier.caseRef])
        try assertOldRowsCleared()
        let after = try storedBytes()
        XCTAssertFalse(after.contains(bytes: Array(exclusion.utf8)))
        XCTAssertFalse(after.contains(bytes: lossBytes))
        XCTAssertEqual(try world.ledger.reward(try open(main))?.exclusions, [exclusion])
    }
}
