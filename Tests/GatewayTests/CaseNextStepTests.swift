@testable import Casefile
import Casework
@testable import ConsoleSite
import Foundation
@testable import Gateway
import HTTPCore
@testable import SiteKit
import XCTest

/// Every case page starts with one line saying what this person can do next, and the forms for
/// that step come before the notes and messages.
final class CaseNextStepTests: XCTestCase {
    var cw: ConsoleWorld!

    override func setUpWithError() throws { cw = try ConsoleWorld() }
    override func tearDown() { cw = nil }

    func nextStep(_ s: ConsoleWorld.Session, _ ref: String) throws -> String {
        let page = html(try cw.call(.get, "/console/case/\(ref)", cookie: s.cookie))
        guard let start = page.range(of: "<p class=\"next-step\" id=\"next-step\">"),
              let end = page.range(of: "</p>", range: start.upperBound..<page.endIndex) else { return "" }
        return String(page[start.upperBound..<end.lowerBound])
    }

    func testTheLineFollowsTheCaseAndTheReader() throws {
        let ref = try cw.submit(ReportDraft(category: "bribery", narrative: "x")).caseRef
        let head = try cw.signIn("head"), chairman = try cw.signIn("chairman")
        XCTAssertEqual(try nextStep(head, ref), "下一步：登记本举报。")
        XCTAssertEqual(try cw.act(head, ref, "register").status.code, 303)
        XCTAssertTrue(try nextStep(head, ref).hasPrefix("下一步：报董事长、党委书记审批"))
        XCTAssertEqual(try cw.act(head, ref, "propose", [("text", "摘要")]).status.code, 303)
        XCTAssertEqual(try nextStep(head, ref), "已呈报审批，正等待董事长、党委书记审批。")
        XCTAssertEqual(try nextStep(chairman, ref), "下一步：审批是否同意调查（第七条）。")
        XCTAssertEqual(try cw.act(chairman, ref, "approve").status.code, 303)
        XCTAssertTrue(try nextStep(chairman, ref).hasPrefix("您已同意调查"))
        XCTAssertEqual(try cw.act(try cw.signIn("secretary"), ref, "approve").status.code, 303)
        XCTAssertEqual(try nextStep(head, ref), "下一步：指定调查人员。")
    }

    /// The step's forms come first; the forms for notes and messages follow them.
    func testTheActionsComeBeforeTheNotesAndMessages() throws {
        let ref = try cw.submit(ReportDraft(category: "bribery", narrative: "x")).caseRef
        let page = html(try cw.call(.get, "/console/case/\(ref)", cookie: try cw.signIn("head").cookie))
        let step = try XCTUnwrap(page.range(of: "id=\"next-step\"")).lowerBound
        let register = try XCTUnwrap(page.range(of: "/act/register")).lowerBound
        let message = try XCTUnwrap(page.range(of: "/act/message")).lowerBound
        let note = try XCTUnwrap(page.range(of: "/act/note")).lowerBound
        let report = try XCTUnwrap(page.range(of: "id=\"report\"")).lowerBound
        XCTAssertTrue(step < register && register < message && register < note && register < report)
    }

    /// Only the closing step that applies now is offered, named for what it does.
    func testOneClosingActionAtATime() throws {
        let ref = try cw.submit(ReportDraft(category: "bribery", narrative: "x")).caseRef
        let head = try cw.signIn("head")
        XCTAssertEqual(try cw.act(head, ref, "register").status.code, 303)
        XCTAssertEqual(try cw.act(head, ref, "propose", [("text", "s")]).status.code, 303)
        XCTAssertEqual(try cw.act(try cw.signIn("chairman"), ref, "approve").status.code, 303)
        XCTAssertEqual(try cw.act(try cw.signIn("secretary"), ref, "approve").status.code, 303)
        let inspector = try XCTUnwrap(try cw.ledger.account(login: "inspector1"))
        XCTAssertEqual(try cw.act(head, ref, "designate", [("inspector", String(inspector.id))]).status.code, 303)
        XCTAssertEqual(try cw.act(try cw.signIn("inspector1"), ref, "report", [("text", "r")]).status.code, 303)
        XCTAssertEqual(try cw.act(head, ref, "submit").status.code, 303)
        var page = html(try cw.call(.get, "/console/case/\(ref)", cookie: head.cookie))
        XCTAssertTrue(page.contains("/act/conclude") && !page.contains("confirm/close"))
        XCTAssertTrue(page.contains("办结：记录调查结果"))
        XCTAssertEqual(try cw.act(head, ref, "conclude", [("outcome", "unsubstantiated")]).status.code, 303)
        page = html(try cw.call(.get, "/console/case/\(ref)", cookie: head.cookie))
        XCTAssertTrue(!page.contains("/act/conclude") && page.contains("confirm/close"))
        XCTAssertEqual(try nextStep(head, ref), "下一步：结案归档。")
    }
}
