import Casework
import Foundation
import SQLiteDB
import Vault
import XCTest
@testable import Casefile
import TestSupport

/// Art. 10 at every grant: the accused are matched again, against the roster as it is now, at
/// every place that seals a case or identity key for a staff account. Each test is an attack by
/// timing: the account that matches the accused did not exist, was disabled, or had another name
/// when the report came in.
final class SeparationAtEveryGrantTests: XCTestCase {
    var world: World!

    override func setUpWithError() throws {
        world = try World()
        try world.standardRoster()
    }

    override func tearDown() { world = nil }

    func unlock(_ login: String) throws -> StaffUnlock {
        guard case .success(let u) = try world.ledger.login(login, password: World.password, totpCode: "") else {
            throw NSError(domain: "login", code: 1)
        }
        return u
    }

    func open(_ ref: String, as login: String, _ action: CaseAction = .view) throws -> StaffCase {
        let u = try unlock(login)
        guard case .granted(let c) = try world.ledger.staffCase(ref: ref, accountID: u.account.id, key: u.key, action: action) else {
            throw NSError(domain: "open \(login)", code: 1)
        }
        return c
    }

    func submit(accused: [AccusedPerson], realName: Bool = false) throws -> Receipt {
        var draft = ReportDraft(category: "bribery", narrative: "SEPARATION-NARRATIVE", accused: accused)
        if realName {
            draft.mode = .realName
            draft.identity = .init(name: "实名举报人-SEP", phone: "13900001111", otherContact: "")
        }
        return try world.submit(draft)
    }

    /// Registered, proposed and approved by both seats: ready for designation.
    func approved(_ ref: String) throws -> StaffCase {
        try world.ledger.register(try open(ref, as: "head"), category: nil, message: nil)
        try world.ledger.propose(try open(ref, as: "head"), summary: "摘要")
        try world.ledger.decideApproval(try open(ref, as: "chairman"), approve: true)
        try world.ledger.decideApproval(try open(ref, as: "secretary"), approve: true)
        return try open(ref, as: "head")
    }

    func grants(_ accountID: Int64, table: String = "grants") throws -> Int {
        try world.ledger.pool.read { db in
            try db.scalar("SELECT count(*) FROM \(table) WHERE holder = ?", [.text("account:\(accountID)")], as: Int.self) ?? 0
        }
    }

    /// A rename as the company's directory would make it (there is no rename page yet): the row,
    /// then its roster seal, as the ledger seals its own changes.
    func rename(_ login: String, to name: String) throws {
        let audit = world.ledger.audit
        try world.ledger.pool.write { db in
            try db.execute("UPDATE accounts SET display_name = ? WHERE login = ?", [.text(name), .text(login)])
            try audit.sealAccount(db, try XCTUnwrap(try db.scalar("SELECT id FROM accounts WHERE login = ?", [.text(login)], as: Int64.self)))
        }
    }

    func testAnAccountCreatedAfterIntakeThatMatchesTheAccusedIsNeverDesignated() throws {
        let receipt = try submit(accused: [AccusedPerson(name: "孙立", post: "采购部经理")])
        let c = try approved(receipt.caseRef)
        let late = try world.account("inspector3", "孙 立", .inspector)
        XCTAssertThrowsError(try world.ledger.designate(c, inspectorID: late.id)) { error in
            XCTAssertTrue("\(error)".contains("art. 10"), "\(error)")
        }
        XCTAssertEqual(try grants(late.id), 0, "the accused, created after intake, never holds the case")
    }

    func testAnAccountRenamedAfterIntakeToTheAccusedIsNeverDesignated() throws {
        let receipt = try submit(accused: [AccusedPerson(name: "孙立", post: "采购部经理", employeeID: "E2001")])
        let c = try approved(receipt.caseRef)
        try rename("inspector1", to: "孙立")
        let renamed = try XCTUnwrap(try world.ledger.account(login: "inspector1"))
        XCTAssertThrowsError(try world.ledger.designate(c, inspectorID: renamed.id))
        XCTAssertEqual(try grants(renamed.id), 0)
    }

    func testAnAccountCreatedAfterIntakeWithTheAccusedsEmployeeIDIsNeverDesignated() throws {
        let receipt = try submit(accused: [AccusedPerson(name: "某人", post: "", employeeID: "E2001")])
        let c = try approved(receipt.caseRef)
        let late = try world.account("inspector3", "孙立", .inspector, employeeID: "ｅ２００１")
        XCTAssertThrowsError(try world.ledger.designate(c, inspectorID: late.id))
        XCTAssertEqual(try grants(late.id), 0)
    }

    func testASeatHolderDisabledAtIntakeAndReEnabledIsNotSeatedTheSeatPassesOn() throws {
        try world.ledger.setDisabled(login: "secretary", true, actor: "test")
        let receipt = try submit(accused: [AccusedPerson(name: "钱伟", post: "")])
        try world.ledger.setDisabled(login: "secretary", false, actor: "test")
        let deputy = try world.account("secretary2", "吴刚", .approver, seat: .partySecretary)
        try world.ledger.register(try open(receipt.caseRef, as: "head"), category: nil, message: nil)
        try world.ledger.propose(try open(receipt.caseRef, as: "head"), summary: "摘要")
        let accused = try XCTUnwrap(try world.ledger.account(login: "secretary"))
        XCTAssertEqual(try grants(accused.id), 0, "the accused is not seated")
        XCTAssertEqual(try grants(deputy.id), 1, "the seat passes on to a holder who is not excluded")
    }

    func testRegrantAndRecoveryRefuseAnAccountReEnabledAfterIntake() throws {
        try world.ledger.setDisabled(login: "inspector2", true, actor: "test")
        let receipt = try submit(accused: [AccusedPerson(name: "张伟", post: "调查人员")], realName: true)
        try world.ledger.setDisabled(login: "inspector2", false, actor: "test")
        let c = try open(receipt.caseRef, as: "head")
        let accused = try XCTUnwrap(try world.ledger.account(login: "inspector2"))
        // A stale assignment row (a database writer, or a slip): the sealed accused still decide.
        try world.rewrite(receipt.caseRef, "INSERT INTO assignments(case_id, account_id, capacity) VALUES (?, ?, 'inspector')",
                          [.integer(c.caseID), .integer(accused.id)])
        XCTAssertThrowsError(try world.ledger.regrant(c, to: accused.id, headKey: try unlock("head").key))
        XCTAssertEqual(try world.ledger.recoverAccess(recoveryKey: RecoveryPrivateKey(world.recoveryKey), to: "inspector2",
                                                      caseRefs: [receipt.caseRef]).map(\.result), [.excluded])
        XCTAssertEqual(try grants(accused.id), 0)
        XCTAssertEqual(try grants(accused.id, table: "identity_grants"), 0)
    }

    func testAnIdentityRequestIsNotGrantedToAnAccountRenamedToTheAccused() throws {
        let receipt = try submit(accused: [AccusedPerson(name: "孙立", post: "采购部经理")], realName: true)
        let c = try approved(receipt.caseRef)
        let late = try world.account("inspector3", "孙丽", .inspector)
        try world.ledger.designate(c, inspectorID: late.id)
        try world.ledger.requestIdentity(try open(receipt.caseRef, as: "inspector3"), reason: "需要核实")
        try rename("inspector3", to: "孙立")
        let request = try XCTUnwrap(try world.ledger.identityRequests(c).first)
        XCTAssertThrowsError(try world.ledger.decideIdentityRequest(c, requestID: request.id, grant: true, headKey: try unlock("head").key))
        XCTAssertEqual(try grants(late.id, table: "identity_grants"), 0)
    }

    func testAGrantAlreadyHeldOpensNothingOnceTheAccountMatchesTheAccused() throws {
        let receipt = try submit(accused: [AccusedPerson(name: "孙立", post: "采购部经理")])
        let c = try approved(receipt.caseRef)
        let late = try world.account("inspector3", "孙丽", .inspector)
        try world.ledger.designate(c, inspectorID: late.id)
        XCTAssertNoThrow(try open(receipt.caseRef, as: "inspector3"))
        try rename("inspector3", to: "孙立")
        let u = try unlock("inspector3")
        guard case .notFound = try world.ledger.staffCase(ref: receipt.caseRef, accountID: u.account.id, key: u.key, action: .view) else {
            return XCTFail("renamed to the accused: the grant it holds opens nothing")
        }
        let details = try world.ledger.pool.read { db in
            try db.query("SELECT detail FROM audit_log WHERE action = 'access_denied'").compactMap { try $0.string("detail") }
        }
        XCTAssertEqual(details, ["action=view reason=no_grant"], "said as for any account without a grant")
    }

    /// Exclusions sealed before the basis existed still open, and still exclude.
    func testAnExclusionsBlobWithoutBasisStillReadsAndExcludes() throws {
        let old = try JSONBytes.decode([ExclusionRecord].self, Array(#"[{"account_id":3,"reason":"named_as_accused"}]"#.utf8))
        XCTAssertEqual(old, [ExclusionRecord(accountID: 3, reason: "named_as_accused")])
        XCTAssertNil(old[0].basis)
        let account = try XCTUnwrap(try world.ledger.account(login: "inspector2"))
        let separation = CaseSeparation(ref: "r", accused: [], records: [ExclusionRecord(accountID: account.id, reason: "named_as_accused")])
        XCTAssertThrowsError(try separation.clear(account))
    }
}
