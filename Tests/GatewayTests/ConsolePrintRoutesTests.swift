@testable import Casefile
import Casework
@testable import ConsoleSite
import Foundation
@testable import Gateway
import HTTPCore
import SQLiteDB
import XCTest

/// Issue 17: the sheets the leaders sign on paper. Each carries the register number, 机密 and who
/// printed it; each print is audited; the reporter's identity is on it only when the person
/// printing may read it and ticks the box; the case is opened as the case page opens it.
final class ConsolePrintRoutesTests: XCTestCase {
    var cw: ConsoleWorld!

    override func setUpWithError() throws { cw = try ConsoleWorld() }
    override func tearDown() { cw = nil }

    /// A real-name report, registered and proposed (awaiting both seats).
    func proposed(confidential: Bool = false) throws -> (ref: String, register: String, head: ConsoleWorld.Session) {
        var draft = ReportDraft(category: "bribery", narrative: "PRINT-NARRATIVE", accused: [AccusedPerson(name: "外部人员", post: "包工头")],
                                mode: .realName, identity: .init(name: "实名人-PRINT", phone: "13911113333", otherContact: ""))
        draft.confidential = confidential
        let receipt = try cw.submit(draft)
        let head = try cw.signIn("head")
        XCTAssertEqual(try cw.act(head, receipt.caseRef, "register").status.code, 303)
        XCTAssertEqual(try cw.act(head, receipt.caseRef, "propose", [("text", "PRINT-SUMMARY")]).status.code, 303)
        let register = try cw.ledger.pool.read { db in
            try CaseRow(row: try XCTUnwrap(try db.queryOne("SELECT \(CaseRow.columns()) FROM cases WHERE ref = ?", [.text(receipt.caseRef)])))
        }.registerNumber.description
        return (receipt.caseRef, register, head)
    }

    func prints() throws -> [String] {
        try cw.ledger.pool.read { db in
            try db.query("SELECT detail FROM audit_log WHERE action = 'print' ORDER BY id").map { try $0.required(String.self, "detail", table: "audit_log") }
        }
    }

    func testEverySheetCarriesTheMarksAndIsAuditedWithoutTheIdentity() throws {
        let (ref, register, head) = try proposed()
        for kind in PrintKind.allCases {
            let r = try cw.call(.get, "/console/case/\(ref)/print/\(kind.rawValue)", cookie: head.cookie)
            XCTAssertEqual(r.status.code, 200, kind.rawValue)
            let page = html(r)
            XCTAssertTrue(page.contains("机密"), kind.rawValue)
            XCTAssertTrue(page.contains(register), kind.rawValue)
            XCTAssertTrue(page.contains("王建国（head）"), "who printed it: \(kind.rawValue)")
            XCTAssertTrue(page.contains("/static/print.css"))
            XCTAssertFalse(page.contains("<script"), kind.rawValue)
            XCTAssertFalse(page.contains("实名人-PRINT"), "no identity unless ticked: \(kind.rawValue)")
        }
        XCTAssertEqual(try prints(), PrintKind.allCases.map { "kind=\($0.rawValue) identity=0" })
        let sheet = html(try cw.call(.get, "/console/case/\(ref)/print/approval", cookie: head.cookie))
        for expected in ["呈批表", "PRINT-SUMMARY", "董事长", "党委书记", "签字"] { XCTAssertTrue(sheet.contains(expected), expected) }
        XCTAssertTrue(html(try cw.call(.get, "/console/case/\(ref)/print/register", cookie: head.cookie)).contains("PRINT-NARRATIVE"))
    }

    func testTheIdentityIsPrintedOnlyForOneWhoHoldsItAndTicksIt() throws {
        let (ref, _, head) = try proposed()
        let ticked = html(try cw.call(.get, "/console/case/\(ref)/print/register?identity=1", cookie: head.cookie))
        XCTAssertTrue(ticked.contains("实名人-PRINT"))
        XCTAssertEqual(try prints().last, "kind=register identity=1")
        // The chairman holds the case (to approve) but not the identity: the tick prints nothing more.
        let chairman = try cw.signIn("chairman")
        let page = html(try cw.call(.get, "/console/case/\(ref)/print/approval?identity=1", cookie: chairman.cookie))
        XCTAssertTrue(page.contains("PRINT-SUMMARY"))
        XCTAssertFalse(page.contains("实名人-PRINT"))
        XCTAssertFalse(page.contains("name=\"identity\""), "no tickbox for one who may not read it")
        XCTAssertEqual(try prints().last, "kind=approval identity=0")
    }

    func testNoOneWithoutTheCaseGetsASheetAndAnUnknownKindIsNotFound() throws {
        let (ref, _, head) = try proposed()
        let inspector = try cw.signIn("inspector1")
        XCTAssertEqual(try cw.call(.get, "/console/case/\(ref)/print/register", cookie: inspector.cookie).status.code, 404)
        XCTAssertEqual(try cw.call(.get, "/console/case/\(ref)/print/register").status.code / 100, 3, "signed out: to the login")
        XCTAssertEqual(try cw.call(.get, "/console/case/\(ref)/print/everything", cookie: head.cookie).status.code, 404)
        XCTAssertEqual(try prints(), [])
    }
}
