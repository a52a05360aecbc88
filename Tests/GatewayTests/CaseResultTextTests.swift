@testable import Casefile
import Casework
@testable import ConsoleSite
import Foundation
@testable import Gateway
import HTTPCore
@testable import SiteKit
import XCTest

/// After an action the page says what changed, in the reader's language, not "已完成。".
final class CaseResultTextTests: XCTestCase {
    var cw: ConsoleWorld!

    override func setUpWithError() throws { cw = try ConsoleWorld() }
    override func tearDown() { cw = nil }

    func flash(_ s: ConsoleWorld.Session, _ ref: String, lang: String = "zh") throws -> String {
        let page = html(try cw.call(.get, "/console/case/\(ref)?lang=\(lang)", cookie: s.cookie))
        guard let start = page.range(of: "<p class=\"flash\" role=\"status\">"), let end = page.range(of: "</p>", range: start.upperBound..<page.endIndex) else {
            return ""
        }
        return String(page[start.upperBound..<end.lowerBound])
    }

    func testEachStepSaysWhatChanged() throws {
        let receipt = try cw.submit(ReportDraft(category: "bribery", narrative: "x"))
        let ref = receipt.caseRef
        let head = try cw.signIn("head")
        XCTAssertEqual(try cw.act(head, ref, "register").status.code, 303)
        XCTAssertEqual(try flash(head, ref), "已登记为 \(receipt.registerNumber)。")
        XCTAssertEqual(try cw.act(head, ref, "propose", [("text", "摘要")]).status.code, 303)
        XCTAssertEqual(try flash(head, ref), "已呈报董事长和党委书记审批。")
        let chairman = try cw.signIn("chairman")
        XCTAssertEqual(try cw.call(.post, "/console/case/\(ref)/act/approve?lang=en", cookie: chairman.cookie,
                                   form: [("csrf", chairman.csrf)]).status.code, 303)
        XCTAssertEqual(try flash(chairman, ref, lang: "en"), "You approved the investigation; it awaits the other leader.")
        let secretary = try cw.signIn("secretary")
        XCTAssertEqual(try cw.act(secretary, ref, "approve").status.code, 303)
        XCTAssertEqual(try flash(secretary, ref), "您已同意调查。两位领导均已同意，本案进入调查。")
        let inspector = try XCTUnwrap(try cw.ledger.account(login: "inspector1"))
        XCTAssertEqual(try cw.act(head, ref, "designate", [("inspector", String(inspector.id))]).status.code, 303)
        XCTAssertEqual(try flash(head, ref), "已指定 \(inspector.displayName) 为调查人员。")
        XCTAssertEqual(try cw.act(head, ref, "message", [("text", "已收到")]).status.code, 303)
        XCTAssertEqual(try flash(head, ref), "消息已发给举报人（未计为办理情况反馈）。")
    }
}
