import Casework
import Foundation
import SQLiteDB
import Vault
import XCTest
@testable import Casefile
import TestSupport

final class RegrantTests: XCTestCase {
    var world: World!

    override func setUpWithError() throws {
        world = try World()
        try world.standardRoster()
        try world.account("head2", "周强", .head, employeeID: "E1004")
    }

    override func tearDown() { world = nil }

    func key(_ login: String, _ password: String = World.password) throws -> (Int64, StaffPrivateKey) {
        guard case .success(let unlock) = try world.ledger.login(login, password: password, totpCode: "") else {
            throw NSError(domain: "login", code: 1)
        }
        return (unlock.account.id, unlock.key)
    }

    func open(_ ref: String, as login: String) throws -> StaffCaseAccess {
        let (id, key) = try key(login)
        return try world.ledger.staffCase(ref: ref, accountID: id, key: key, action: .view)
    }

    func headCase(_ ref: String) throws -> (StaffCase, StaffPrivateKey) {
        let (id, key) = try key("head")
        guard case .granted(let c) = try world.ledger.staffCase(ref: ref, accountID: id, key: key, action: .view) else {
            throw NSError(domain: "head", code: 1)
        }
        return (c, key)
    }

    func submit(accused: [AccusedPerson] = [AccusedPerson(name: "外部人员", post: "包工头")]) throws -> Receipt {
        var draft = ReportDraft(category: "bribery", narrative: "REGRANT-NARRATIVE", accused: accused)
        draft.mode = .realName
        draft.identity = .init(name: "实名举报人-REGRANT", phone: "13900001111", otherContact: "")
        return try world.submit(draft)
    }

    func testHeadRegrantsTheCaseAndIdentityToAColleagueWhoLostThem() throws {
        let receipt = try submit()
        try world.ledger.resetPassword(login: "head2", newPassword: World.password, actor: "test")
        // Issue 13: the reset key holds nothing until a second reader confirms the reset.
        try world.confirmPending(of: try XCTUnwrap(try world.ledger.account(login: "head2")).id)
        guard case .notFound = try open(receipt.caseRef, as: "head2") else { return XCTFail("the reset took the case away") }

        let (c, headKey) = try headCase(receipt.caseRef)
        let head2 = try XCTUnwrap(try world.ledger.account(login: "head2"))
        try world.ledger.regrant(c, to: head2.id, headKey: headKey)

        guard case .granted(let reopened) = try open(receipt.caseRef, as: "head2") else { return XCTFail("re-granted: the case opens") }
        XCTAssertTrue(try world.ledger.staffRead(reopened, kinds: [.report]).first?.text.contains("REGRANT-NARRATIVE") ?? false)
        let (_, head2Key) = try key("head2")
        XCTAssertEqual(try world.ledger.readIdentity(reopened, key: head2Key)?.name, "实名举报人-REGRANT",
                       "an intake head gets the identity key back too")
        XCTAssertThrowsError(try world.ledger.regrant(c, to: head2.id, headKey: headKey)) { error in
            XCTAssertTrue("\(error)".contains("already holds"))
        }
    }

    func testNoAssignmentNoRegrant() throws {
        let receipt = try submit()
        let (c, headKey) = try headCase(receipt.caseRef)
        let inspector = try XCTUnwrap(try world.ledger.account(login: "inspector1"))
        XCTAssertThrowsError(try world.ledger.regrant(c, to: inspector.id, headKey: headKey)) { error in
            XCTAssertTrue("\(error)".contains("no part in this case"), "\(error)")
        }
        guard case .notFound = try open(receipt.caseRef, as: "inspector1") else { return XCTFail("a re-grant never widens access") }
    }

    func testAnExcludedAccountIsNeverRegrantedEvenWithAnAssignment() throws {
        // 张伟 (inspector2) is the person reported. A stale assignment row (however it came to be)
        // must not be enough: the sealed exclusions decide.
        let receipt = try submit(accused: [AccusedPerson(name: "张伟", post: "调查人员")])
        let (c, headKey) = try headCase(receipt.caseRef)
        let accused = try XCTUnwrap(try world.ledger.account(login: "inspector2"))
        try world.ledger.pool.write { db in
            try db.execute("INSERT INTO assignments(case_id, account_id, capacity) VALUES (?, ?, 'inspector')", [.integer(c.caseID), .integer(accused.id)])
        }
        XCTAssertThrowsError(try world.ledger.regrant(c, to: accused.id, headKey: headKey)) { error in
            XCTAssertTrue("\(error)".contains("art. 10"), "\(error)")
        }
        let grants = try world.ledger.pool.read { db in
            try db.scalar("SELECT count(*) FROM grants WHERE holder = ?", [.text("account:\(accused.id)")], as: Int.self) ?? 0
        }
        XCTAssertEqual(grants, 0)
        guard case .notFound = try open(receipt.caseRef, as: "inspector2") else { return XCTFail("the accused never holds the case") }
        let refused = try world.ledger.pool.read { db in
            try db.scalar("SELECT count(*) FROM audit_log WHERE action = 'regrant_refused'", as: Int.self) ?? 0
        }
        XCTAssertEqual(refused, 1)
    }
}
