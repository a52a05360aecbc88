@testable import Casefile
import Casework
@testable import ConsoleSite
import Foundation
@testable import Gateway
import HTTPCore
import Presentation
import SQLiteDB
import Vault
import XCTest

/// Art. 10 through the console: matching beyond the exact name, the head's view of who is
/// excluded and why, and the head excluding someone else or withdrawing a designation.
final class SeparationRoutesTests: XCTestCase {
    var cw: ConsoleWorld!

    override func setUpWithError() throws { cw = try ConsoleWorld() }
    override func tearDown() { cw = nil }

    func newCase(_ accused: [AccusedPerson]) throws -> Receipt {
        try cw.submit(ReportDraft(category: "private_contracting", narrative: "SEP-ROUTES-NARRATIVE", accused: accused))
    }

    func holds(_ login: String, _ ref: String) throws -> Bool {
        let account = try XCTUnwrap(try cw.ledger.account(login: login))
        return try cw.ledger.pool.read { db in
            try db.scalar("SELECT count(*) FROM grants g JOIN cases c ON c.id = g.case_id WHERE c.ref = ? AND g.holder = ?",
                          [.text(ref), .text("account:\(account.id)")], as: Int.self) ?? 0
        } > 0
    }

    func accountID(_ login: String) throws -> String { String(try XCTUnwrap(try cw.ledger.account(login: login)).id) }

    /// Registered, proposed and approved by both seats.
    func approved(_ ref: String) throws -> ConsoleWorld.Session {
        let head = try cw.signIn("head")
        XCTAssertEqual(try cw.act(head, ref, "register").status.code, 303)
        XCTAssertEqual(try cw.act(head, ref, "propose", [("text", "摘要")]).status.code, 303)
        XCTAssertEqual(try cw.act(try cw.signIn("chairman"), ref, "approve").status.code, 303)
        XCTAssertEqual(try cw.act(try cw.signIn("secretary"), ref, "approve").status.code, 303)
        return head
    }

    func testWangBuzhangNeverReachesWangJianguoTheHead() throws {
        cw.world.settings.alternates = Alternates(intake: "inspector2")
        try cw.reopen()
        let receipt = try newCase([AccusedPerson(name: "王部长", post: "")])
        XCTAssertFalse(try holds("head", receipt.caseRef), "王部长 may be 王建国, the head (部长): he is kept out")
        XCTAssertTrue(try holds("inspector2", receipt.caseRef), "the intake alternate receives it")
    }

    func testThePostChairmanKeepsTheChairmanFromTheSeatWhateverTheName() throws {
        // 董事长 names every account in the chairman's seat; the seat passes to its alternate, a
        // second party-secretary approver (one account never holds both seats on a case).
        try cw.world.account("secretary2", "吴刚", .approver, seat: .partySecretary)
        cw.world.settings.alternates = Alternates(chairman: "secretary2")
        try cw.reopen()
        let receipt = try newCase([AccusedPerson(name: "赵明", post: "董事长")])
        let head = try cw.signIn("head")
        XCTAssertEqual(try cw.act(head, receipt.caseRef, "register").status.code, 303)
        XCTAssertEqual(try cw.act(head, receipt.caseRef, "propose", [("text", "摘要")]).status.code, 303)
        XCTAssertFalse(try holds("chairman", receipt.caseRef), "董事长 names the chairman's seat: 赵敏 is not seated")
        XCTAssertTrue(try holds("secretary2", receipt.caseRef), "the seat passes to its alternate, who is not excluded")
    }

    func testTheHeadSeesWhyAnAccountIsExcludedAndItIsNotOfferedInAnyList() throws {
        let admin = try cw.signIn("admin")
        let created = try cw.call(.post, "/console/admin/accounts", cookie: admin.cookie, form: [
            ("csrf", admin.csrf), ("login", "inspector3"), ("name", "周红"), ("employee_id", "E1009"), ("post", "采购部经理"),
            ("role", "inspector"), ("seat", ""), ("password", "a long new passphrase")])
        XCTAssertEqual(created.status.code, 303)
        XCTAssertEqual(try cw.ledger.account(login: "inspector3")?.post, "采购部经理")
        // The admin's new inspector holds nothing until a second reader confirms it (two-person rule).
        try cw.world.confirmPending(of: try XCTUnwrap(try cw.ledger.account(login: "inspector3")).id)
        let receipt = try newCase([AccusedPerson(name: "周经理", post: "采购部"), AccusedPerson(name: "老张", post: "")])
        let head = try approved(receipt.caseRef)
        let page = html(try cw.call(.get, "/console/case/\(receipt.caseRef)?lang=en", cookie: head.cookie))
        XCTAssertTrue(page.contains("excluded: 周红 — surname and title (周经理 采购部)"), "the basis, in the head's language")
        XCTAssertTrue(page.contains("excluded: 张伟 — ambiguous match"), "老张 could be 张伟: said as ambiguous")
        let designate = try XCTUnwrap(page.range(of: "name=\"inspector\"")).upperBound
        let end = try XCTUnwrap(page.range(of: "</select>", range: designate..<page.endIndex)).lowerBound
        let options = String(page[designate..<end])
        XCTAssertFalse(options.contains("周红"), "an excluded account is not offered for designation")
        XCTAssertFalse(options.contains("张伟"))
        XCTAssertTrue(options.contains("李娜"))
    }

    func testAHandlerTheReporterKeptAwayIsShownAsSuchWithNoWordsOfTheReport() throws {
        var draft = ReportDraft(category: "private_contracting", narrative: "SEP-PICKED", accused: [AccusedPerson(name: "外部人员", post: "包工头")])
        draft.excludedHandlers = [try XCTUnwrap(try cw.ledger.account(login: "inspector1")).id]
        let receipt = try cw.submit(draft)
        let page = html(try cw.call(.get, "/console/case/\(receipt.caseRef)?lang=en", cookie: try cw.signIn("head").cookie))
        XCTAssertTrue(page.contains("excluded: 李娜 — kept away by the reporter</li>"), "the reason, and no accused's words beside it")
    }

    func testTheHeadExcludesAnotherAccountWithAReasonAndTheGrantGoesAtOnce() throws {
        let receipt = try newCase([AccusedPerson(name: "外部人员", post: "包工头")])
        let head = try approved(receipt.caseRef)
        let inspector1 = try accountID("inspector1")
        XCTAssertEqual(try cw.act(head, receipt.caseRef, "designate", [("inspector", inspector1)]).status.code, 303)
        XCTAssertTrue(try holds("inspector1", receipt.caseRef))
        let excluded = try cw.act(head, receipt.caseRef, "exclude", [("account", inspector1), ("text", "SEP-REASON 与被举报人是亲属")])
        XCTAssertEqual(excluded.status.code, 303)
        XCTAssertFalse(try holds("inspector1", receipt.caseRef), "the grant is deleted at once")
        XCTAssertEqual(try cw.act(head, receipt.caseRef, "designate", [("inspector", inspector1)]).status.code, 422, "and never given back")
        let page = html(try cw.call(.get, "/console/case/\(receipt.caseRef)?lang=en", cookie: head.cookie))
        XCTAssertTrue(page.contains("excluded: 李娜 — excluded by the head: SEP-REASON"))
        let audit = try cw.ledger.pool.read { db in
            try db.query("SELECT action, detail FROM audit_log WHERE case_ref = ? AND action = 'exclusion'", [.text(receipt.caseRef)])
                .map { "\(try $0.string("action") ?? "") \(try $0.string("detail") ?? "")" }
        }
        XCTAssertEqual(audit.count, 1)
        XCTAssertFalse(audit.joined().contains(inspector1) || audit.joined().contains("SEP-REASON"), "the audit log names neither whom nor why")
        XCTAssertEqual(try cw.act(try cw.signIn("inspector2"), receipt.caseRef, "exclude", [("account", try accountID("head")), ("text", "x")]).status.code,
                       404, "an account without the case cannot exclude anyone")
    }

    func testTheHeadWithdrawsADesignationWithAReason() throws {
        let receipt = try newCase([AccusedPerson(name: "外部人员", post: "包工头")])
        let head = try approved(receipt.caseRef)
        let inspector1 = try accountID("inspector1")
        XCTAssertEqual(try cw.act(head, receipt.caseRef, "designate", [("inspector", inspector1)]).status.code, 303)
        let inspector = try cw.signIn("inspector1")
        XCTAssertEqual(try cw.call(.get, "/console/case/\(receipt.caseRef)", cookie: inspector.cookie).status.code, 200)
        XCTAssertEqual(try cw.act(head, receipt.caseRef, "withdraw", [("account", inspector1), ("text", "SEP-WITHDRAW 工作调整")]).status.code, 303)
        XCTAssertEqual(try cw.call(.get, "/console/case/\(receipt.caseRef)", cookie: inspector.cookie).status.code, 404)
        XCTAssertFalse(try holds("inspector1", receipt.caseRef))
        XCTAssertTrue(html(try cw.call(.get, "/console/case/\(receipt.caseRef)", cookie: head.cookie)).contains("SEP-WITHDRAW"),
                      "the reason is kept, sealed, in the case's notes")
    }

    func testExcludingASeatHolderWhoApprovedVoidsTheApprovalAndPassesTheSeatOn() throws {
        let deputy = try cw.world.account("secretary2", "吴刚", .approver, seat: .partySecretary)
        let secret = try TOTP.generateSecret()
        try cw.ledger.enrollTOTP(accountID: deputy.id, secret: secret, actor: "test")
        cw.secrets["secretary2"] = secret
        cw.world.settings.alternates = Alternates(chairman: "secretary2")
        try cw.reopen()
        let receipt = try newCase([AccusedPerson(name: "外部人员", post: "包工头")])
        let head = try cw.signIn("head")
        XCTAssertEqual(try cw.act(head, receipt.caseRef, "register").status.code, 303)
        XCTAssertEqual(try cw.act(head, receipt.caseRef, "propose", [("text", "摘要")]).status.code, 303)
        XCTAssertEqual(try cw.act(try cw.signIn("chairman"), receipt.caseRef, "approve").status.code, 303)
        XCTAssertEqual(try cw.act(head, receipt.caseRef, "exclude", [("account", try accountID("chairman")), ("text", "利害关系")]).status.code, 303)
        XCTAssertFalse(try holds("chairman", receipt.caseRef))
        XCTAssertTrue(try holds("secretary2", receipt.caseRef), "the chairman's seat passes to its alternate")
        XCTAssertEqual(try cw.act(try cw.signIn("secretary"), receipt.caseRef, "approve").status.code, 303)
        let state = { try self.cw.ledger.pool.read { db in try db.scalar("SELECT state FROM cases WHERE ref = ?", [.text(receipt.caseRef)], as: String.self) } }
        XCTAssertEqual(try state(), "awaiting_approval", "the excluded chairman's approval no longer counts")
        XCTAssertEqual(try cw.act(try cw.signIn("secretary2"), receipt.caseRef, "approve").status.code, 303)
        XCTAssertEqual(try state(), "investigating")
    }

    func testExcludingTheOnlyPossibleSeatHolderIsRefusedAndSaysWhy() throws {
        // No chairman's alternate (the ledger opens with it; only a settings change or serve refuse it).
        cw.world.settings.alternates.chairman = nil
        try cw.reopen()
        let receipt = try newCase([AccusedPerson(name: "外部人员", post: "包工头")])
        let head = try cw.signIn("head")
        XCTAssertEqual(try cw.act(head, receipt.caseRef, "register").status.code, 303)
        XCTAssertEqual(try cw.act(head, receipt.caseRef, "propose", [("text", "摘要")]).status.code, 303)
        let refused = try cw.act(head, receipt.caseRef, "exclude", [("account", try accountID("chairman")), ("text", "利害关系")])
        XCTAssertEqual(refused.status.code, 422)
        XCTAssertTrue(html(refused).contains("name an alternate"))
        XCTAssertTrue(try holds("chairman", receipt.caseRef), "nothing changed")
    }
}
