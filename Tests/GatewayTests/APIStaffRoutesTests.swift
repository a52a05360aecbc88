@testable import Casefile
import Casework
@testable import ConsoleSite
import Foundation
@testable import Gateway
import HTTPCore
@testable import ReporterSite
@testable import SiteKit
import XCTest

final class APIStaffRoutesTests: XCTestCase {
    var cw: ConsoleWorld!

    override func setUpWithError() throws { cw = try ConsoleWorld() }
    override func tearDown() { cw = nil }

    func newCase(accused: [AccusedPerson] = [AccusedPerson(name: "外部人员", post: "包工头")]) throws -> Receipt {
        try cw.submit(ReportDraft(category: "private_contracting", narrative: "私揽工程-API-NARRATIVE", accused: accused))
    }

    func token(_ login: String) throws -> String { try cw.createToken(try cw.signIn(login)) }

    func act(_ token: String, _ ref: String, _ action: String, _ body: [String: Any] = [:]) throws -> Response {
        try cw.api(.post, "/api/v1/staff/cases/\(ref)/actions/\(action)", token: token, json: body)
    }

    func testTokenListsTheInboxReadsTheCaseAndActs() throws {
        let receipt = try newCase()
        let head = try token("head")
        let inbox = try cw.api(.get, "/api/v1/staff/inbox", token: head)
        XCTAssertEqual(inbox.status.code, 200)
        let cases = try XCTUnwrap(json(inbox)["cases"] as? [[String: Any]])
        XCTAssertEqual(cases.map { $0["ref"] as? String }, [receipt.caseRef])
        XCTAssertEqual(cases.first?["register_number"] as? String, receipt.registerNumber.description)
        XCTAssertEqual(cases.first?["state"] as? String, "submitted")
        XCTAssertEqual(cases.first?["capacities"] as? [String], ["intake"])
        XCTAssertFalse((cases.first?["deadlines"] as? [Any] ?? []).isEmpty)
        XCTAssertEqual(json(inbox)["total"] as? Int, 1)
        XCTAssertTrue(json(inbox)["next"] is NSNull, "one page")

        let page = try cw.api(.get, "/api/v1/staff/cases/\(receipt.caseRef)", token: head)
        XCTAssertEqual(page.status.code, 200)
        let view = json(page)
        XCTAssertEqual((view["report"] as? [String: Any])?["narrative"] as? String, "私揽工程-API-NARRATIVE")
        XCTAssertEqual((view["accused"] as? [[String: Any]])?.first?["name"] as? String, "外部人员")
        let allowed = try XCTUnwrap(view["allowed_actions"] as? [String])
        XCTAssertTrue(allowed.contains("register"))
        XCTAssertFalse(allowed.contains("approve"))

        let registered = try act(head, receipt.caseRef, "register", ["text": "已登记，感谢举报。"])
        XCTAssertEqual(registered.status.code, 200)
        XCTAssertEqual(json(registered)["state"] as? String, "registered")
        let note = try act(head, receipt.caseRef, "note", ["text": "内部笔记"])
        XCTAssertEqual(note.status.code, 200)
        let after = json(try cw.api(.get, "/api/v1/staff/cases/\(receipt.caseRef)", token: head))
        XCTAssertEqual((after["messages"] as? [[String: Any]])?.first?["text"] as? String, "已登记，感谢举报。")
        XCTAssertEqual((after["notes"] as? [[String: Any]])?.first?["text"] as? String, "内部笔记")
        let audited = try cw.ledger.pool.read { db in
            try db.query("SELECT action FROM audit_log WHERE case_ref = ?", [.text(receipt.caseRef)]).compactMap { try $0.string("action") }
        }
        XCTAssertTrue(audited.contains("register"))
        XCTAssertTrue(audited.contains("case_view"))
    }

    /// The case's report and accused are listed by the field table: every fact under its form
    /// name, every part of a person under its key, as the staff case page shows them.
    func testTheCaseShowsEveryFieldOfTheTable() throws {
        var draft = ReportDraft(accused: [AccusedPerson(name: "外部人员", post: "包工头")])
        for field in ReportField.texts { draft[field] = "v-\(field.name)" }
        draft.category = "bribery"
        draft.estimatedLoss = "1000"
        let receipt = try cw.submit(draft)
        let view = json(try cw.api(.get, "/api/v1/staff/cases/\(receipt.caseRef)", token: try token("head")))
        let report = try XCTUnwrap(view["report"] as? [String: String])
        XCTAssertEqual(report, Dictionary(uniqueKeysWithValues: ReportField.facts.map { ($0.name, draft[$0]) }))
        let accused = try XCTUnwrap((view["accused"] as? [[String: String]])?.first)
        XCTAssertEqual(accused, Dictionary(uniqueKeysWithValues: PersonPart.all.map { ($0.key, draft.accused[0][$0]) }))
    }

    func testAnActionTheAccountMayNotTakeIs403AndARefusedOneIs422() throws {
        let receipt = try newCase()
        let head = try token("head")
        let approve = try act(head, receipt.caseRef, "approve")
        XCTAssertEqual(approve.status.code, 403)
        XCTAssertEqual(apiError(approve)["status"] as? Int, 403)
        let badCategory = try act(head, receipt.caseRef, "register", ["category": "no-such-category"])
        XCTAssertEqual(badCategory.status.code, 422)
        XCTAssertEqual(apiError(badCategory)["message"] as? String, "Unknown category.")
        let blank = try act(head, receipt.caseRef, "message", ["text": " "])
        XCTAssertEqual(blank.status.code, 422)
        XCTAssertEqual(errorFields(blank), ["text"])
        XCTAssertEqual(try act(head, receipt.caseRef, "no-such-action").status.code, 404)
        let wrongType = try act(head, receipt.caseRef, "designate", ["inspector": "two"])
        XCTAssertEqual(wrongType.status.code, 400)
    }

    func testTheWholeApprovalPathThroughTheAPI() throws {
        let receipt = try newCase()
        let head = try token("head"), chairman = try token("chairman"), secretary = try token("secretary")
        let inspector = try XCTUnwrap(try cw.ledger.account(login: "inspector2"))
        XCTAssertEqual(try act(head, receipt.caseRef, "register").status.code, 200)
        XCTAssertEqual(try act(head, receipt.caseRef, "propose", ["text": "摘要"]).status.code, 200)
        XCTAssertEqual(json(try act(chairman, receipt.caseRef, "approve"))["state"] as? String, "awaiting_approval")
        XCTAssertEqual(json(try act(secretary, receipt.caseRef, "approve"))["state"] as? String, "investigating")
        XCTAssertEqual(try act(head, receipt.caseRef, "designate", ["inspector": inspector.id]).status.code, 200)
        let inspectorToken = try token("inspector2")
        XCTAssertEqual(try cw.api(.get, "/api/v1/staff/cases/\(receipt.caseRef)", token: inspectorToken).status.code, 200)
        XCTAssertEqual(try act(inspectorToken, receipt.caseRef, "report", ["text": "调查报告"]).status.code, 200)
        XCTAssertEqual(try act(head, receipt.caseRef, "submit").status.code, 200)
        let concluded = try act(head, receipt.caseRef, "conclude", ["outcome": "substantiated", "text": "查实"])
        XCTAssertEqual(concluded.status.code, 200)
        XCTAssertEqual(json(concluded)["outcome"] as? String, "substantiated")
    }

    func testAnExcludedAccountsTokenGets404() throws {
        // 李娜 (inspector1) is the accused: she never holds a grant.
        let receipt = try newCase(accused: [AccusedPerson(name: "李娜", post: "调查人员")])
        let excluded = try token("inspector1")
        let denied = try cw.ledger.pool.read { db in try db.scalar("SELECT count(*) FROM audit_log WHERE action = 'access_denied'", as: Int.self) ?? 0 }
        let view = try cw.api(.get, "/api/v1/staff/cases/\(receipt.caseRef)", token: excluded)
        XCTAssertEqual(view.status.code, 404)
        for action in APIStaffRoutes.actions.keys.sorted() {
            XCTAssertEqual(try act(excluded, receipt.caseRef, action, ["text": "x"]).status.code, 404, action)
        }
        let unknown = try cw.api(.get, "/api/v1/staff/cases/no-such-ref", token: excluded)
        XCTAssertEqual(bodyBytes(view), bodyBytes(unknown), "a case she is excluded from looks like no case")
        XCTAssertEqual((json(try cw.api(.get, "/api/v1/staff/inbox", token: excluded))["cases"] as? [Any])?.count, 0)
        let after = try cw.ledger.pool.read { db in try db.scalar("SELECT count(*) FROM audit_log WHERE action = 'access_denied'", as: Int.self) ?? 0 }
        XCTAssertGreaterThanOrEqual(after - denied, 1 + APIStaffRoutes.actions.count)
    }

    func testAdminAndAuditorTokensSeeNoCaseContent() throws {
        let receipt = try newCase()
        for login in ["admin", "auditor"] {
            let t = try token(login)
            let inbox = json(try cw.api(.get, "/api/v1/staff/inbox", token: t))
            XCTAssertEqual((inbox["cases"] as? [Any])?.count, 0, login)
            XCTAssertEqual(try cw.api(.get, "/api/v1/staff/cases/\(receipt.caseRef)", token: t).status.code, 404, login)
            XCTAssertEqual(try act(t, receipt.caseRef, "register").status.code, 404, login)
        }
    }

    func testConsoleSessionNeedsTheCSRFHeaderOnPost() throws {
        let receipt = try newCase()
        let session = try cw.signIn("head")
        let cookie: HTTPHeaders = ["Cookie": "\(StaffSessions.cookieName)=\(session.cookie)"]
        XCTAssertEqual(try cw.api(.get, "/api/v1/staff/inbox", headers: cookie).status.code, 200)
        let path = "/api/v1/staff/cases/\(receipt.caseRef)/actions/register"
        let without = try cw.api(.post, path, json: [String: Any](), headers: cookie)
        XCTAssertEqual(without.status.code, 403)
        XCTAssertEqual(apiError(without)["status"] as? Int, 403)
        var wrong = cookie
        wrong.add("X-CSRF-Token", String(repeating: "0", count: 64))
        XCTAssertEqual(try cw.api(.post, path, json: [String: Any](), headers: wrong).status.code, 403)
        var right = cookie
        right.add("X-CSRF-Token", session.csrf)
        XCTAssertEqual(try cw.api(.post, path, json: [String: Any](), headers: right).status.code, 200)
        XCTAssertEqual(try cw.api(.get, "/api/v1/staff/inbox").status.code, 401)
    }

    /// The inbox is paged: fifty at a time, newest first, `next` to the following page.
    func testTheInboxIsPagedWithALinkToTheNextPage() throws {
        for _ in 0..<(InboxQuery.pageSize + 1) { _ = try newCase() }
        let head = try token("head")
        let first = json(try cw.api(.get, "/api/v1/staff/inbox", token: head))
        XCTAssertEqual((first["cases"] as? [Any])?.count, InboxQuery.pageSize)
        XCTAssertEqual(first["total"] as? Int, InboxQuery.pageSize + 1)
        let next = try XCTUnwrap(first["next"] as? String)
        let second = json(try cw.api(.get, next, token: head))
        XCTAssertEqual((second["cases"] as? [Any])?.count, 1)
        XCTAssertEqual(second["page"] as? Int, 2)
        XCTAssertTrue(second["next"] is NSNull)
    }
}

