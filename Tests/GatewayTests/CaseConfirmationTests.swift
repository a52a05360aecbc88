@testable import Casefile
import Casework
@testable import ConsoleSite
import Foundation
@testable import Gateway
import HTTPCore
@testable import SiteKit
import XCTest

/// Acts that cannot be undone happen only from a second page (no script): a GET says what will
/// happen, the action's POST does it only with `confirm=1`.
final class CaseConfirmationTests: XCTestCase {
    var cw: ConsoleWorld!

    override func setUpWithError() throws { cw = try ConsoleWorld() }
    override func tearDown() { cw = nil }

    func grants(_ login: String) throws -> Int {
        let id = try XCTUnwrap(try cw.ledger.account(login: login)).id
        return try cw.ledger.pool.read { db in
            try db.scalar("SELECT count(*) FROM grants WHERE holder = ?", [.text(Holder.account(id))], as: Int.self) ?? 0
        }
    }

    func post(_ s: ConsoleWorld.Session, _ ref: String, _ action: String, _ fields: [(String, String)]) throws -> Response {
        try cw.call(.post, "/console/case/\(ref)/act/\(action)", cookie: s.cookie, form: [("csrf", s.csrf)] + fields)
    }

    /// Recusal is not a request: it is named 回避, its page says it takes effect at once, and a
    /// POST without the confirmation leaves the grant where it was.
    func testRecusalAsksOnASecondPageFirst() throws {
        let receipt = try cw.submit(ReportDraft(category: "bribery", narrative: "x"))
        let head = try cw.signIn("head")
        let casePage = html(try cw.call(.get, "/console/case/\(receipt.caseRef)", cookie: head.cookie))
        XCTAssertFalse(casePage.contains("申请回避"), "recusal is not called a request")
        XCTAssertTrue(casePage.contains("href=\"/console/case/\(receipt.caseRef)/confirm/recuse?lang=zh\""))

        let page = try cw.call(.get, "/console/case/\(receipt.caseRef)/confirm/recuse", cookie: head.cookie)
        XCTAssertEqual(page.status.code, 200)
        XCTAssertTrue(html(page).contains("回避立即生效"), "the page says what will happen")
        XCTAssertTrue(html(page).contains("name=\"confirm\" value=\"1\""))

        let unconfirmed = try post(head, receipt.caseRef, "recuse", [("text", "亲属关系")])
        XCTAssertEqual(unconfirmed.status.code, 200, "answered with the confirmation page")
        XCTAssertTrue(html(unconfirmed).contains("value=\"亲属关系\""), "what was typed is carried to the page")
        XCTAssertEqual(try grants("head"), 1, "nothing happened without the confirmation")

        XCTAssertEqual(try post(head, receipt.caseRef, "recuse", [("text", "亲属关系"), ("confirm", "1")]).status.code, 303)
        XCTAssertEqual(try grants("head"), 0)
    }

    /// Closing, not-actionable and lifting a legal hold wait for the confirmation too; placing a
    /// hold (which only keeps data) does not.
    func testOtherIrreversibleActsWaitForTheConfirmation() throws {
        let receipt = try cw.submit(ReportDraft(category: "bribery", narrative: "x"))
        let ref = receipt.caseRef
        let head = try cw.signIn("head")
        func state() throws -> String? { try cw.ledger.pool.read { db in try db.scalar("SELECT state FROM cases", as: String.self) } }
        func hold() throws -> Int? { try cw.ledger.pool.read { db in try db.scalar("SELECT legal_hold FROM cases", as: Int.self) } }
        XCTAssertEqual(try post(head, ref, "register", []).status.code, 303)
        let asked = try post(head, ref, "not-actionable", [("text", "不属于受理范围")])
        XCTAssertEqual(asked.status.code, 200)
        XCTAssertTrue(html(asked).contains("不能恢复"))
        XCTAssertEqual(try state(), "registered")
        XCTAssertEqual(try post(head, ref, "legal-hold", [("on", "1")]).status.code, 303, "placing a hold needs no confirmation")
        XCTAssertEqual(try hold(), 1)
        XCTAssertEqual(try post(head, ref, "legal-hold", [("on", "0")]).status.code, 200)
        XCTAssertEqual(try hold(), 1, "lifting waits for the confirmation")
        XCTAssertEqual(try post(head, ref, "not-actionable", [("text", "不属于受理范围"), ("confirm", "1")]).status.code, 303)
        XCTAssertEqual(try state(), "not_actionable")
    }

    /// The confirmation page is behind the same check as the act: someone who does not hold the
    /// case learns nothing from it.
    func testTheConfirmationPageNeedsTheCase() throws {
        let receipt = try cw.submit(ReportDraft(category: "bribery", narrative: "x"))
        let outsider = try cw.signIn("inspector1")
        XCTAssertEqual(try cw.call(.get, "/console/case/\(receipt.caseRef)/confirm/close", cookie: outsider.cookie).status.code, 404)
        let head = try cw.signIn("head")
        XCTAssertEqual(try cw.call(.get, "/console/case/\(receipt.caseRef)/confirm/note", cookie: head.cookie).status.code, 404,
                       "only acts that cannot be undone have a confirmation page")
    }
}
