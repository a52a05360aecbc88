import Casework
import Foundation
import SQLiteDB
import Vault
import XCTest
@testable import Casefile
import TestSupport

/// Issue 13, finding 1 ("The admin reads reports"), tried as the admin would. Written against
/// the ledger's API as it was before the two-person rule, so that each attack ran, and
/// succeeded, on the branch point (see notes/twoperson.md); every one is refused now.
final class TwoPersonAttackTests: XCTestCase {
    var world: World!

    override func setUpWithError() throws {
        world = try World()
        try world.standardRoster()
    }

    override func tearDown() { world = nil }

    func id(_ login: String) throws -> Int64 { try XCTUnwrap(try world.ledger.account(login: login)).id }
    var admin: String { get throws { "staff:\(try id("admin"))" } }

    /// Every account that holds a case-key grant for the case, by login.
    func holders(_ ref: String) throws -> Set<String> {
        Set(try world.ledger.pool.read { db in
            try db.query("""
                SELECT a.login FROM grants g JOIN cases c ON c.id = g.case_id JOIN accounts a ON a.id = g.account_id WHERE c.ref = ?
                """, [.text(ref)]).map { try $0.required(String.self, "login", table: "accounts") }
        })
    }

    /// A report that names the department head (王建国): intake passes every head by.
    func reportNamingTheHead() throws -> Receipt {
        try world.submit(ReportDraft(category: "bribery", narrative: "NAMES-THE-HEAD", accused: [AccusedPerson(name: "王建国", post: "纪检监察部负责人")]))
    }

    func reportNamingNoOne() throws -> Receipt {
        try world.submit(ReportDraft(category: "bribery", narrative: "ORDINARY", accused: [AccusedPerson(name: "外部人员", post: "包工头")]))
    }

    func settingsJSON(intake: String, chairman: String = "supervisor", partySecretary: String = "deputysecretary") -> [UInt8] {
        Array(#"{"alternates": {"intake": "\#(intake)", "chairman": "\#(chairman)", "party_secretary": "\#(partySecretary)"}}"#.utf8)
    }

    // MARK: The admin names itself (or the auditor) an alternate

    func testAdminCannotNameItselfOrTheAuditorAnAlternate() throws {
        let before = world.ledger.settings.alternates
        for login in ["admin", "auditor"] {
            for json in [settingsJSON(intake: login), settingsJSON(intake: "inspector2", chairman: login),
                         settingsJSON(intake: "inspector2", partySecretary: login)] {
                XCTAssertThrowsError(try world.ledger.changeSettings(json: json, file: nil, actor: try admin),
                                     "\(String(decoding: json, as: UTF8.self)) must be refused") { error in
                    XCTAssertTrue(String(describing: error).contains("must be"), "the refusal names the wrong role: \(error)")
                }
            }
        }
        XCTAssertEqual(world.ledger.settings.alternates, before, "nothing changed")
        let receipt = try reportNamingTheHead()
        XCTAssertFalse(try holders(receipt.caseRef).contains("admin"))
        XCTAssertFalse(try holders(receipt.caseRef).contains("head"))
    }

    func testSettingsWithoutEveryAlternateAreRefused() throws {
        for json in [#"{"organisation": "某热力公司"}"#, #"{"alternates": {"intake": "inspector2", "chairman": "supervisor"}}"#,
                     #"{"alternates": {"intake": "inspector2", "chairman": "supervisor", "party_secretary": "supervisor"}}"#,
                     #"{"alternates": {"intake": "inspector2", "chairman": "chairman", "party_secretary": "deputysecretary"}}"#,
                     #"{"alternates": {"intake": "nobody", "chairman": "supervisor", "party_secretary": "deputysecretary"}}"#] {
            XCTAssertThrowsError(try world.ledger.changeSettings(json: Array(json.utf8), file: nil, actor: try admin), json)
        }
    }

    // MARK: The grant API refuses admin and auditor whatever the caller says

    func testGrantsNeverSealForAnAdminOrAnAuditor() throws {
        for login in ["admin", "auditor"] {
            let account = try XCTUnwrap(try world.ledger.account(login: login))
            // Cleared by the separation check (the admin is no one's accused): the refusal is the grant API's own.
            let cleared = try CaseSeparation(ref: "case-x", accused: [], records: []).clear(account)
            XCTAssertThrowsError(try Grants.seal(try CaseKeys.random(), ref: "case-x", for: account, cleared: cleared), login)
            XCTAssertThrowsError(try Grants.seal(try IdentityKey.random(), ref: "case-x", for: account, cleared: cleared), login)
        }
    }

    func testRegrantToAnAdminGivenAnAssignmentByADatabaseWriteIsRefused() throws {
        let receipt = try reportNamingNoOne()
        let adminID = try id("admin")
        // A database writer slips the admin an assignment; the head is then asked to "restore" it.
        let insert = "INSERT INTO assignments(case_id, account_id, capacity) SELECT id, ?, 'inspector' FROM cases WHERE ref = ?"
        try world.ledger.pool.write { db in try db.execute(insert, [.integer(adminID), .text(receipt.caseRef)]) }
        guard case .success(let unlock) = try world.ledger.login("head", password: World.password, totpCode: "") else { return XCTFail("head") }
        // The row is not bound to the case's seal: the case refuses to act at all (CaseSeal).
        guard case .tampered(let checks) = try world.ledger.staffCase(ref: receipt.caseRef, accountID: unlock.account.id, key: unlock.key,
                                                                      action: .view) else { return XCTFail("an unsealed assignment is found") }
        XCTAssertEqual(checks, ["assignments: capacities differ from the seal"])
        // Even sealed as if the ledger had written it, the grant API refuses the admin.
        try world.rewrite(receipt.caseRef, "SELECT 1")
        guard case .granted(let c) = try world.ledger.staffCase(ref: receipt.caseRef, accountID: unlock.account.id, key: unlock.key, action: .view) else {
            return XCTFail("the head holds the case")
        }
        XCTAssertThrowsError(try world.ledger.regrant(c, to: adminID, headKey: unlock.key))
        XCTAssertFalse(try holders(receipt.caseRef).contains("admin"))
    }

    func testAdminWrittenStraightIntoTheSettingsStillGetsNothing() throws {
        // Settings written to the file behind the console's back: intake and a seat name the admin.
        world.settings.alternates = Alternates(intake: "admin", chairman: "admin", partySecretary: "deputysecretary")
        try world.reopen()
        let receipt = try reportNamingTheHead()
        XCTAssertFalse(try holders(receipt.caseRef).contains("admin"), "intake passes the admin by")
    }

    // MARK: The admin makes, enables or resets a reader

    func testASecondHeadMadeByTheAdminHoldsNothing() throws {
        try world.ledger.createAccount(login: "head2", displayName: "冒名", employeeID: nil, role: .head, seat: nil,
                                       password: World.password, actor: try admin)
        let receipt = try reportNamingNoOne()
        XCTAssertEqual(try holders(receipt.caseRef), ["head"], "the new head gets nothing until a second person confirms it")
        let named = try reportNamingTheHead()
        XCTAssertFalse(try holders(named.caseRef).contains("head2"), "nor does it take intake when the head is named")
    }

    func testAHeadWhosePasswordTheAdminResetHoldsNothing() throws {
        try world.ledger.resetPassword(login: "head", newPassword: "the admin knows this one", actor: try admin)
        let receipt = try reportNamingNoOne()
        XCTAssertFalse(try holders(receipt.caseRef).contains("head"), "the key the admin chose receives nothing")
    }

    func testAHeadTheAdminEnablesAgainHoldsNothing() throws {
        try world.account("head2", "周强", .head, employeeID: "E1004")
        try world.ledger.setDisabled(login: "head2", true, actor: try admin)
        try world.ledger.setDisabled(login: "head2", false, actor: try admin)
        let receipt = try reportNamingNoOne()
        XCTAssertEqual(try holders(receipt.caseRef), ["head"])
    }

    func testAHeadEnabledAgainOpensNotEvenItsOldCasesUntilConfirmed() throws {
        try world.account("head2", "周强", .head, employeeID: "E1004")
        let receipt = try reportNamingNoOne()
        XCTAssertTrue(try holders(receipt.caseRef).contains("head2"))
        try world.ledger.setDisabled(login: "head2", true, actor: try admin)
        try world.ledger.setDisabled(login: "head2", false, actor: try admin)
        guard case .success(let unlock) = try world.ledger.login("head2", password: World.password, totpCode: "") else { return XCTFail("head2") }
        guard case .notFound = try world.ledger.staffCase(ref: receipt.caseRef, accountID: unlock.account.id, key: unlock.key, action: .view) else {
            return XCTFail("enabled again by the admin alone, head2 opens nothing")
        }
    }

    func testANewSeatHolderMadeByTheAdminIsNotSeated() throws {
        try world.ledger.createAccount(login: "chairman2", displayName: "冒名董事长", employeeID: nil, role: .approver, seat: .chairman,
                                       password: World.password, actor: try admin)
        // The chairman is named (by name only: a post would exclude every chairman seat holder):
        // the seat passes on, to the configured alternate, never to the new account.
        let receipt = try world.submit(ReportDraft(category: "bribery", narrative: "NAMES-THE-CHAIRMAN", accused: [AccusedPerson(name: "赵敏", post: "")]))
        guard case .success(let unlock) = try world.ledger.login("head", password: World.password, totpCode: "") else { return XCTFail("head") }
        guard case .granted(let c) = try world.ledger.staffCase(ref: receipt.caseRef, accountID: unlock.account.id, key: unlock.key, action: .register) else {
            return XCTFail("the head holds the case")
        }
        try world.ledger.register(c, category: nil, message: nil)
        guard case .granted(let c2) = try world.ledger.staffCase(ref: receipt.caseRef, accountID: unlock.account.id, key: unlock.key, action: .propose) else {
            return XCTFail("the head proposes")
        }
        try? world.ledger.propose(c2, summary: "摘要")
        XCTAssertFalse(try holders(receipt.caseRef).contains("chairman2"))
    }

    func testAnAlternatesChangeDoesNotTakeEffectAlone() throws {
        XCTAssertEqual(world.ledger.settings.alternates.intake, "inspector2")
        try world.ledger.changeSettings(json: settingsJSON(intake: "inspector1"), file: nil, actor: try admin)
        XCTAssertEqual(world.ledger.settings.alternates.intake, "inspector2", "the alternates in force stay until confirmed")
        let receipt = try reportNamingTheHead()
        XCTAssertEqual(try holders(receipt.caseRef), ["inspector2"])
    }
}
