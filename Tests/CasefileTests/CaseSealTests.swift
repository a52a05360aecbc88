import Casework
import Foundation
import SQLiteDB
import Vault
import XCTest
@testable import Casefile
import TestSupport

/// Authenticated state (issue 14, finding 2): someone who can write to the database file, and
/// drops its triggers first as an attacker would, changes or deletes a row that decides access or
/// workflow. Each change is found the next time the case is opened, on the staff side and where
/// it shows, on the reporter's side; the case refuses to act, says which check failed, and the
/// audit log records it.
final class CaseSealTests: XCTestCase {
    var world: World!

    override func setUpWithError() throws {
        world = try World()
        try world.standardRoster()
    }

    override func tearDown() { world = nil }

    func unlock(_ login: String) throws -> StaffUnlock {
        guard case .success(let u) = try world.ledger.login(login, password: World.password, totpCode: "") else {
            throw NSError(domain: "login \(login)", code: 1)
        }
        return u
    }

    func access(_ ref: String, as login: String = "head", _ action: CaseAction = .view) throws -> StaffCaseAccess {
        let u = try unlock(login)
        return try world.ledger.staffCase(ref: ref, accountID: u.account.id, key: u.key, action: action)
    }

    func open(_ ref: String, as login: String = "head", _ action: CaseAction = .view) throws -> StaffCase {
        guard case .granted(let c) = try access(ref, as: login, action) else { throw NSError(domain: "open \(ref) as \(login)", code: 1) }
        return c
    }

    /// A confidential report naming inspector2, registered and awaiting the seats' approval.
    func awaitingApproval() throws -> Receipt {
        var draft = ReportDraft(category: "bribery", narrative: "SEAL-NARRATIVE", accused: [AccusedPerson(name: "张伟", post: "调查人员")])
        draft.mode = .realName
        draft.confidential = true
        draft.identity = .init(name: "SEAL-REPORTER", phone: "13900003333", otherContact: "")
        let receipt = try world.submit(draft, files: [(name: "seal.txt", type: "text/plain", bytes: Array("SEAL-FILE".utf8))])
        try world.ledger.register(try open(receipt.caseRef), category: nil, message: "SEAL-RECEIVED")
        try world.ledger.propose(try open(receipt.caseRef), summary: "SEAL-SUMMARY")
        return receipt
    }

    /// The attacker's write: triggers gone, then plain SQL.
    func attack(_ sql: String, _ arguments: [SQLValue] = []) throws {
        try world.ledger.pool.write { db in
            for name in try db.query("SELECT name FROM sqlite_master WHERE type = 'trigger'").map({ try $0.string("name")! }) {
                try db.execute("DROP TRIGGER \(name)")
            }
            try db.execute(sql, arguments)
        }
    }

    func tampered(_ ref: String, as login: String = "head", file: StaticString = #filePath, line: UInt = #line) throws -> [String] {
        guard case .tampered(let checks) = try access(ref, as: login) else {
            XCTFail("the change is found", file: file, line: line)
            return []
        }
        return checks
    }

    func auditedTampering(_ ref: String) throws -> [String] {
        try world.ledger.pool.read { db in
            try db.query("SELECT detail FROM audit_log WHERE action = 'case_tampered' AND case_ref = ? ORDER BY id", [.text(ref)])
                .map { try $0.string("detail")! }
        }
    }

    func caseID(_ ref: String) throws -> Int64 {
        try XCTUnwrap(try world.ledger.pool.read { db in try db.scalar("SELECT id FROM cases WHERE ref = ?", [.text(ref)], as: Int64.self) })
    }

    // MARK: Each flag flipped

    func testTurningStrictConfidentialityOffIsFoundAndRefused() throws {
        let r = try awaitingApproval()
        try attack("UPDATE cases SET confidential = 0 WHERE ref = ?", [.text(r.caseRef)])
        XCTAssertEqual(try tampered(r.caseRef), ["cases.confidential: differs from the seal"])
        XCTAssertEqual(try auditedTampering(r.caseRef), ["cases.confidential: differs from the seal"])
        // Every holder is refused, not only the one who looked first.
        XCTAssertEqual(try tampered(r.caseRef, as: "chairman"), ["cases.confidential: differs from the seal"])
    }

    func testAnApprovalAddedWithSQLIsFoundAndTheSeatsMayNotActOnIt() throws {
        let r = try awaitingApproval()
        try attack("UPDATE cases SET approvals = 'chairman,party_secretary', state = 'investigating' WHERE ref = ?", [.text(r.caseRef)])
        XCTAssertEqual(try tampered(r.caseRef), ["cases.approvals: differs from the seal", "cases.state: differs from the seal"])
        let inspector = try XCTUnwrap(try world.ledger.account(login: "inspector1"))
        guard case .tampered = try access(r.caseRef, as: "head", .designate) else { return XCTFail("no designation on a forged approval") }
        XCTAssertEqual(try world.ledger.pool.read { db in
            try db.scalar("SELECT count(*) FROM grants WHERE holder = ?", [.text("account:\(inspector.id)")], as: Int.self)
        }, 0)
    }

    func testAChangedCapacityIsFound() throws {
        let r = try awaitingApproval()
        let head = try XCTUnwrap(try world.ledger.account(login: "head"))
        try attack("UPDATE assignments SET capacity = 'chairman' WHERE account_id = ? AND case_id = ?", [.integer(head.id), .integer(try caseID(r.caseRef))])
        XCTAssertEqual(try tampered(r.caseRef, as: "chairman"), ["assignments: capacities differ from the seal"])
    }

    func testABlobsAuthorOrDayChangedIsFound() throws {
        let r = try awaitingApproval()
        try attack("UPDATE blobs SET author = 'staff:999' WHERE kind = 'summary' AND case_id = ?", [.integer(try caseID(r.caseRef))])
        XCTAssertEqual(try tampered(r.caseRef), ["blobs: a summary piece was changed"])
        try world.rewrite(r.caseRef, "SELECT 1")
        try attack("UPDATE blobs SET day = day - 30 WHERE kind = 'report' AND case_id = ?", [.integer(try caseID(r.caseRef))])
        XCTAssertEqual(try tampered(r.caseRef), ["blobs: a report piece was changed"])
    }

    // MARK: Each row deleted

    func testDeletingTheExclusionsIsFoundSoTheAccusedCannotBeDesignated() throws {
        let r = try awaitingApproval()
        try world.ledger.decideApproval(try open(r.caseRef, as: "chairman"), approve: true)
        try world.ledger.decideApproval(try open(r.caseRef, as: "secretary"), approve: true)
        try attack("DELETE FROM blobs WHERE kind = 'exclusions' AND case_id = ?", [.integer(try caseID(r.caseRef))])
        XCTAssertEqual(try tampered(r.caseRef), ["blobs: a exclusions piece was deleted"])
        guard case .tampered = try access(r.caseRef, as: "head", .designate) else { return XCTFail("refused") }
        let accused = try XCTUnwrap(try world.ledger.account(login: "inspector2"))
        XCTAssertEqual(try world.ledger.pool.read { db in
            try db.scalar("SELECT count(*) FROM grants WHERE holder = ?", [.text("account:\(accused.id)")], as: Int.self)
        }, 0, "the accused was never given the case")
    }

    func testDeletingANoteAFileOrAnAssignmentIsFound() throws {
        let r = try awaitingApproval()
        try world.ledger.addNote(try open(r.caseRef), text: "SEAL-NOTE")
        let id = try caseID(r.caseRef)
        try attack("DELETE FROM blobs WHERE kind = 'note' AND case_id = ?", [.integer(id)])
        XCTAssertEqual(try tampered(r.caseRef), ["blobs: a note piece was deleted"])
        try world.rewrite(r.caseRef, "SELECT 1")
        try attack("DELETE FROM assignments WHERE capacity = 'chairman' AND case_id = ?", [.integer(id)])
        XCTAssertEqual(try tampered(r.caseRef), ["assignments: capacities differ from the seal"])
        try world.rewrite(r.caseRef, "SELECT 1")
        try attack("DELETE FROM attachments WHERE case_id = ?", [.integer(id)])
        XCTAssertEqual(try tampered(r.caseRef), ["attachments: a reporter piece was deleted"])
    }

    func testDeletingTheSealsOrTheInternalGrantIsFoundNotTakenForAnOldCase() throws {
        let r = try awaitingApproval()
        let id = try caseID(r.caseRef)
        try attack("UPDATE cases SET state_seal = NULL WHERE id = ?", [.integer(id)])
        XCTAssertEqual(try tampered(r.caseRef), ["state seal: missing or does not open"])
        try attack("DELETE FROM internal_grants WHERE case_id = ?", [.integer(id)])
        XCTAssertEqual(try tampered(r.caseRef), ["internal grant: missing or does not open"],
                       "a two-key case's channel grant does not pass for an old case's (its context is v2)")
        let splits = try world.ledger.pool.read { db in try db.scalar("SELECT count(*) FROM audit_log WHERE action = 'keys_split'", as: Int.self) }
        XCTAssertEqual(splits, 0)
    }

    // MARK: The reporter's side

    func testTheReporterIsNotShownAForgedStateNorCanLaunderIt() throws {
        let r = try awaitingApproval()
        let reporter = try XCTUnwrap(try world.ledger.openCase(code: try XCTUnwrap(r.code).digits, gate: LookupGateHandle()).get())
        XCTAssertNoThrow(try world.ledger.reporterView(reporter))
        try world.ledger.reporterReply(reporter, text: "SEAL-REPLY")
        XCTAssertEqual(try access(r.caseRef).isGranted, true, "a reporter's reply keeps the case's seals whole")

        try attack("UPDATE cases SET state = 'closed' WHERE ref = ?", [.text(r.caseRef)])
        XCTAssertThrowsError(try world.ledger.reporterView(reporter)) { XCTAssertEqual(($0 as? CaseTampered)?.checks, ["cases.state: differs from the seal"]) }
        XCTAssertThrowsError(try world.ledger.reporterReply(reporter, text: "SEAL-REPLY-2"), "a reply does not fold the forged state into a new seal")
        XCTAssertEqual(try tampered(r.caseRef), ["cases.state: differs from the seal"])
        XCTAssertEqual(try auditedTampering(r.caseRef).count, 3)
    }

    func testDeletingAMessageToTheReporterIsFoundOnBothSides() throws {
        let r = try awaitingApproval()
        let reporter = try XCTUnwrap(try world.ledger.openCase(code: try XCTUnwrap(r.code).digits, gate: LookupGateHandle()).get())
        try attack("DELETE FROM blobs WHERE kind = 'message_to_reporter' AND case_id = ?", [.integer(try caseID(r.caseRef))])
        XCTAssertThrowsError(try world.ledger.reporterView(reporter)) {
            XCTAssertEqual(($0 as? CaseTampered)?.checks, ["blobs: a message_to_reporter piece was deleted"])
        }
        XCTAssertEqual(try tampered(r.caseRef), ["blobs: a message_to_reporter piece was deleted"])
    }

    // MARK: Every change the ledger makes keeps the seals whole

    func testTheWholeWorkflowKeepsTheSealsWhole() throws {
        let r = try awaitingApproval()
        try world.ledger.decideApproval(try open(r.caseRef, as: "chairman"), approve: true)
        try world.ledger.decideApproval(try open(r.caseRef, as: "secretary"), approve: true)
        let inspector = try XCTUnwrap(try world.ledger.account(login: "inspector1"))
        try world.ledger.designate(try open(r.caseRef), inspectorID: inspector.id)
        try world.ledger.fileReport(try open(r.caseRef, as: "inspector1"), text: "SEAL-REPORT")
        try world.ledger.submitToLeaders(try open(r.caseRef))
        try world.ledger.conclude(try open(r.caseRef), outcome: .substantiated, message: "SEAL-CONCLUDED")
        try world.ledger.recordSanction(try open(r.caseRef), text: "SEAL-SANCTION")
        try world.ledger.setLegalHold(try open(r.caseRef), on: true)
        try world.ledger.recuse(try open(r.caseRef, as: "inspector1"), reason: "SEAL-RECUSAL")
        for login in ["head", "chairman", "secretary"] {
            XCTAssertTrue(try access(r.caseRef, as: login).isGranted, login)
        }
        XCTAssertEqual(try auditedTampering(r.caseRef), [])
    }
}

extension StaffCaseAccess {
    var isGranted: Bool {
        if case .granted = self { return true }
        return false
    }
}
