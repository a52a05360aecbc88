import Casework
import Foundation
import SQLiteDB
import Vault
import XCTest
@testable import Casefile
import TestSupport

final class PurgeTests: XCTestCase {
    var world: World!

    override func setUpWithError() throws {
        world = try World()
        try world.standardRoster()
    }

    override func tearDown() { world = nil }

    func submit(_ n: Int) throws -> Receipt {
        let draft = ReportDraft(category: "private_contracting", narrative: "PURGE-NARRATIVE-\(n)", when: "2026年", whereText: "城东",
                                people: "", accused: [AccusedPerson(name: "某某\(n)", post: "施工队长")], estimatedLoss: "1000")
        return try world.submit(draft, files: [("evidence-\(n).pdf", "application/pdf", Array("FILE-\(n)-".utf8) + [UInt8](repeating: UInt8(n), count: 30_000))])
    }

    /// Closes a case the way the workflow leaves it, `daysAgo` days before today.
    func close(_ receipt: Receipt, daysAgo: Int, outcome: String = "unsubstantiated") throws {
        let day = Int64(world.ledger.today.adding(days: -daysAgo).ordinal)
        try world.rewrite(receipt.caseRef, "UPDATE cases SET state = 'closed', outcome = ?, closed_day = ? WHERE ref = ?",
                          [.text(outcome), .integer(day), .text(receipt.caseRef)])
    }

    func count(_ table: String, _ ref: String) throws -> Int {
        try world.ledger.pool.read { db in
            try db.scalar("SELECT count(*) FROM \(table) WHERE case_id = (SELECT id FROM cases WHERE ref = ?)", [.text(ref)], as: Int.self) ?? -1
        }
    }

    func headKey() throws -> (Int64, StaffPrivateKey) {
        let head = try XCTUnwrap(try world.ledger.account(login: "head"))
        return (head.id, try XCTUnwrap(try world.ledger.unlockKey(accountID: head.id, password: World.password)))
    }

    func testADueCaseIsListedThenShreddedLeavingATombstone() throws {
        let old = try submit(1)
        let kept = try submit(2)
        try close(old, daysAgo: 800)
        let (sealedReport, files) = try world.ledger.pool.read { db in
            (try db.queryOne("SELECT sealed FROM blobs b JOIN cases c ON c.id = b.case_id WHERE c.ref = ? AND kind = 'report'",
                             [.text(old.caseRef)])?.blob("sealed") ?? [],
             try db.query("SELECT file FROM attachments a JOIN cases c ON c.id = a.case_id WHERE c.ref = ?",
                          [.text(old.caseRef)]).compactMap { try $0.string("file") })
        }
        XCTAssertFalse(sealedReport.isEmpty)
        XCTAssertEqual(files.count, 1)
        try world.ledger.pool.checkpoint()
        XCTAssertTrue(try world.allStoredBytes().contains(bytes: sealedReport), "the ciphertext is stored before the purge")

        let due = try world.ledger.purgeCandidates(today: world.ledger.today)
        XCTAssertEqual(due.map(\.ref), [old.caseRef])
        XCTAssertEqual(due[0].registerNumber, old.registerNumber)
        XCTAssertEqual(due[0].purgeOn, due[0].closedOn.adding(months: 24))

        let result = try world.ledger.purge(caseRef: old.caseRef, actor: "test")
        XCTAssertEqual(result.files, 1)
        XCTAssertGreaterThanOrEqual(result.blobs, 2)
        for table in ["blobs", "grants", "identity_grants", "attachments", "assignments", "identity_requests"] {
            XCTAssertEqual(try count(table, old.caseRef), 0, table)
        }
        XCTAssertGreaterThan(try count("blobs", kept.caseRef), 0, "other cases are untouched")
        for file in files {
            XCTAssertFalse(FileManager.default.fileExists(atPath: world.ledger.files.path(file)))
        }
        try world.ledger.pool.checkpoint()
        XCTAssertFalse(try world.allStoredBytes().contains(bytes: sealedReport), "secure_delete and the checkpoint leave no ciphertext")

        let tombstone = try XCTUnwrap(try world.ledger.pool.read { db in
            try db.queryOne("SELECT * FROM cases WHERE ref = ?", [.text(old.caseRef)])
        })
        XCTAssertEqual(try tombstone.string("state"), "closed")
        XCTAssertEqual(try tombstone.int("register_seq"), old.registerNumber.sequence)
        XCTAssertEqual(try tombstone.string("category"), "private_contracting")
        XCTAssertTrue(try tombstone.isNull("lookup_id"))
        XCTAssertTrue(try tombstone.isNull("lookup_tag"), "the code's tag goes with its lookup id")
        XCTAssertEqual(try tombstone.int("purged_day"), world.ledger.today.ordinal)

        guard case .failure(.notFound) = try world.ledger.openCase(code: try XCTUnwrap(old.code).grouped, gate: LookupGateHandle()) else {
            return XCTFail("the tracking code must open nothing after the purge")
        }
        let (headID, key) = try headKey()
        guard case .notFound = try world.ledger.staffCase(ref: old.caseRef, accountID: headID, key: key, action: .view) else {
            return XCTFail("no staff key opens a purged case")
        }

        let entries = try world.ledger.pool.read { [audit = world.ledger.audit] db in try audit.entries(db) }
        let purge = try XCTUnwrap(entries.first { $0.action == "purge" })
        XCTAssertEqual(purge.caseRef, old.caseRef)
        XCTAssertEqual(purge.detail, "register=\(old.registerNumber)")
        guard case .success = try world.ledger.verifyAudit() else { return XCTFail("the audit log still verifies") }

        XCTAssertEqual(try world.ledger.purgeCandidates(today: world.ledger.today), [], "a purged case is not listed again")
        XCTAssertThrowsError(try world.ledger.purge(caseRef: old.caseRef, actor: "test"))
    }

    func testOpenHeldAndNotYetDueCasesStay() throws {
        let open = try submit(1)
        let held = try submit(2)
        let recent = try submit(3)
        let substantiated = try submit(4)
        try close(held, daysAgo: 800)
        try close(recent, daysAgo: 30)
        // 18 months: past the unsubstantiated period were it shorter, not past the substantiated one.
        world.settings.retention = RetentionRules(closedMonths: 24, unsubstantiatedMonths: 12)
        try world.reopen()
        try close(substantiated, daysAgo: 550, outcome: "substantiated")

        let (headID, key) = try headKey()
        guard case .granted(let c) = try world.ledger.staffCase(ref: held.caseRef, accountID: headID, key: key, action: .setLegalHold) else {
            return XCTFail("the head holds the case")
        }
        try world.ledger.setLegalHold(c, on: true)

        XCTAssertEqual(try world.ledger.purgeCandidates(today: world.ledger.today), [])
        for receipt in [open, held, recent, substantiated] {
            XCTAssertThrowsError(try world.ledger.purge(caseRef: receipt.caseRef, actor: "test"))
            XCTAssertGreaterThan(try count("blobs", receipt.caseRef), 0)
            XCTAssertGreaterThan(try count("grants", receipt.caseRef), 0)
        }

        try world.ledger.setLegalHold(c, on: false)
        XCTAssertEqual(try world.ledger.purgeCandidates(today: world.ledger.today).map(\.ref), [held.caseRef], "lifting the hold lets the period run")
        let actions = try world.ledger.pool.read { [audit = world.ledger.audit] db in try audit.entries(db).map(\.action) }
        XCTAssertTrue(actions.contains("legal_hold_on") && actions.contains("legal_hold_off"))
    }

    func testAnInspectorCannotPlaceALegalHold() throws {
        let receipt = try submit(1)
        let (headID, key) = try headKey()
        guard case .granted(let headCase) = try world.ledger.staffCase(ref: receipt.caseRef, accountID: headID, key: key, action: .view) else {
            return XCTFail("the head holds the case")
        }
        let inspectorCase = StaffCase(caseID: headCase.caseID, ref: headCase.ref, keys: headCase.keys, accountID: 99,
                                      capacities: ["inspector"], facts: headCase.facts, registerNumber: headCase.registerNumber,
                                      receivedOn: headCase.receivedOn, category: headCase.category, channel: headCase.channel,
                                      realName: false, confidential: false, legalHold: false)
        XCTAssertThrowsError(try world.ledger.setLegalHold(inspectorCase, on: true))
    }

    /// Issue 14: the reward row (its state, seats and claim reference) outlived the purge.
    func testAPurgeTakesTheCasesRewardAndItsSealedFigures() throws {
        let receipt = try submit(1)
        try close(receipt, daysAgo: 800, outcome: "substantiated")
        let (headID, key) = try headKey()
        guard case .granted(let c) = try world.ledger.staffCase(ref: receipt.caseRef, accountID: headID, key: key, action: .assessReward) else {
            return XCTFail("the head holds the case")
        }
        try world.ledger.assessReward(c, verifiedLoss: .yuan(60_000), sameMatter: [])
        try world.ledger.proposeReward(c, amount: .yuan(600))
        XCTAssertEqual(try count("rewards", receipt.caseRef), 1)
        try world.ledger.purge(caseRef: receipt.caseRef, actor: "test")
        for table in ["rewards", "same_matter", "prior_knowledge", "blobs"] {
            XCTAssertEqual(try count(table, receipt.caseRef), 0, table)
        }
    }

    /// The command's way: every due case in its own transaction, a case held since the listing
    /// refused while the others go, one checkpoint at the end; by then no ciphertext of the
    /// purged cases is left in the database or its WAL, their files are gone and counted.
    func testABatchPurgesEachCaseSkipsAHeldOneAndLeavesNoCiphertext() throws {
        let receipts = try (1...3).map { try submit($0) }
        for receipt in receipts { try close(receipt, daysAgo: 800) }
        let due = try world.ledger.purgeCandidates(today: world.ledger.today)
        XCTAssertEqual(Set(due.map(\.ref)), Set(receipts.map(\.caseRef)))
        let sealed = try world.ledger.pool.read { db in
            try receipts.map { r in
                try XCTUnwrap(try db.queryOne("SELECT sealed FROM blobs b JOIN cases c ON c.id = b.case_id WHERE c.ref = ? AND kind = 'report'",
                                              [.text(r.caseRef)])?.blob("sealed"))
            }
        }
        let held = receipts[1]
        let (headID, key) = try headKey()
        guard case .granted(let c) = try world.ledger.staffCase(ref: held.caseRef, accountID: headID, key: key, action: .setLegalHold) else {
            return XCTFail("the head holds the case")
        }
        try world.ledger.setLegalHold(c, on: true)

        var outcomes: [String: Result<PurgeResult, any Error>] = [:]
        world.ledger.purge(due.map(\.ref), actor: "test") { i, outcome in outcomes[due[i].ref] = outcome }
        XCTAssertEqual(outcomes.count, 3)
        guard case .failure = outcomes[held.caseRef] else { return XCTFail("a hold placed after the listing wins") }
        for (n, receipt) in receipts.enumerated() where receipt.caseRef != held.caseRef {
            guard case .success(let result) = outcomes[receipt.caseRef] else { return XCTFail("\(receipt.caseRef) is purged") }
            XCTAssertEqual(result.files, 1)
            XCTAssertEqual(result.fileBytes, Int64(30_000 + "FILE-\(n + 1)-".utf8.count + 25 + 16), "the sealed file: header, one chunk and its tag")
            XCTAssertEqual(try count("blobs", receipt.caseRef), 0)
            XCTAssertFalse(try world.allStoredBytes().contains(bytes: sealed[n]), "checkpointed before the batch returns")
        }
        XCTAssertGreaterThan(try count("blobs", held.caseRef), 0)
        XCTAssertTrue(try world.allStoredBytes().contains(bytes: sealed[1]))
        guard case .success = try world.ledger.verifyAudit() else { return XCTFail("the audit log still verifies") }
    }

    func testNothingCanBeSealedIntoAPurgedCase() throws {
        let receipt = try submit(1)
        try close(receipt, daysAgo: 800)
        try world.ledger.purge(caseRef: receipt.caseRef, actor: "test")
        XCTAssertThrowsError(try world.ledger.pool.write { db in
            try db.execute("INSERT INTO blobs(case_id, kind, slot, author, day, sealed) SELECT id, 'message_from_reporter', 'x', 'reporter', 1, x'00' FROM cases WHERE ref = ?",
                           [.text(receipt.caseRef)])
        })
    }
}
