@testable import Casefile
import Casework
@testable import ConsoleSite
import Foundation
@testable import Gateway
import HTTPCore
import TestSupport
@testable import ReporterSite
@testable import SiteKit
import XCTest

/// Issue 13, finding 5: an approver's internal reason never reaches the reporter; art. 14 dates
/// cannot be back-dated by the head; a reward is paid only against a check of the reporter's code.
final class SmallerFindingsTests: XCTestCase {
    var cw: ConsoleWorld!
    var head: ConsoleWorld.Session!

    override func setUpWithError() throws {
        cw = try ConsoleWorld()
        head = try cw.signIn("head")
    }

    override func tearDown() { cw = nil }

    // MARK: helpers

    func proposed() throws -> Receipt {
        let receipt = try cw.submit(ReportDraft(category: "private_contracting", narrative: "x"))
        XCTAssertEqual(try cw.act(head, receipt.caseRef, "register").status.code, 303)
        XCTAssertEqual(try cw.act(head, receipt.caseRef, "propose", [("text", "s")]).status.code, 303)
        return receipt
    }

    func concluded() throws -> Receipt {
        let receipt = try proposed()
        let ref = receipt.caseRef
        XCTAssertEqual(try cw.act(try cw.signIn("chairman"), ref, "approve").status.code, 303)
        XCTAssertEqual(try cw.act(try cw.signIn("secretary"), ref, "approve").status.code, 303)
        let inspector = try XCTUnwrap(try cw.ledger.account(login: "inspector1"))
        XCTAssertEqual(try cw.act(head, ref, "designate", [("inspector", String(inspector.id))]).status.code, 303)
        XCTAssertEqual(try cw.act(try cw.signIn("inspector1"), ref, "report", [("text", "r")]).status.code, 303)
        XCTAssertEqual(try cw.act(head, ref, "submit").status.code, 303)
        XCTAssertEqual(try cw.act(head, ref, "conclude", [("outcome", "substantiated")]).status.code, 303)
        return receipt
    }

    func approvedReward() throws -> Receipt {
        let receipt = try concluded()
        XCTAssertEqual(try cw.act(head, receipt.caseRef, "reward-assess", [("loss", "1000")]).status.code, 303)
        XCTAssertEqual(try cw.act(head, receipt.caseRef, "reward-propose", [("amount", "500")]).status.code, 303)
        XCTAssertEqual(try cw.act(try cw.signIn("chairman"), receipt.caseRef, "reward-approve").status.code, 303)
        XCTAssertEqual(try cw.act(try cw.signIn("secretary"), receipt.caseRef, "reward-approve").status.code, 303)
        return receipt
    }

    func reporterView(_ receipt: Receipt) throws -> ReporterView {
        let reporter = try XCTUnwrap(try? cw.ledger.openCase(code: receipt.code!.digits, gate: LookupGateHandle()).get())
        return try cw.ledger.reporterView(reporter)
    }

    /// The reporter's status page, opened with the code as a reporter would.
    func statusPage(_ receipt: Receipt) throws -> String {
        let opened = try cw.call(.post, "/status", form: [("code", receipt.code!.grouped)])
        guard opened.status.code == 303 else { return html(opened) }
        let cookie = try XCTUnwrap(cookieValue(opened.headers["Set-Cookie"], ReporterSessions.cookieName))
        var headers: HTTPHeaders = ["Host": "127.0.0.1:8080", "Cookie": "\(ReporterSessions.cookieName)=\(cookie)"]
        headers.add("Accept-Language", "zh")
        return html(try cw.app.handler.handle(try Request(method: .get, target: "/status?lang=zh", headers: headers, body: [])))
    }

    /// The reporter API's case view, as raw JSON text.
    func reporterAPI(_ receipt: Receipt) throws -> String {
        let session = try cw.app.handler.handle(try Request(method: .post, target: "/api/v1/reporter/session",
                                                            headers: ["Host": "127.0.0.1:8080", "Content-Type": "application/json"],
                                                            body: jsonBody(["code": receipt.code!.grouped])))
        let token = try XCTUnwrap(json(session)["token"] as? String)
        let view = try cw.call(.get, "/api/v1/reporter/case", extraHeaders: ["Authorization": "Bearer \(token)"])
        XCTAssertEqual(view.status.code, 200)
        return html(view)
    }

    func audit() throws -> [AuditLog.Entry] { try cw.ledger.auditEntries(limit: 10_000) }

    // MARK: finding 5.1 — the refusal's internal reason

    func testRefusalInternalReasonNeverReachesTheReporterButTheHeadSeesIt() throws {
        let receipt = try proposed()
        let internalReason = "董事长认为证据不足，党委书记意见不同"
        let chairman = try cw.signIn("chairman")
        let form = html(try cw.call(.get, "/console/case/\(receipt.caseRef)?lang=zh", cookie: chairman.cookie))
        XCTAssertTrue(form.contains("value=\"not_investigated\"") && form.contains("name=\"addition_for_reporter\""),
                      "the refusal form offers the standard wordings and the confirmation")
        let refused = try cw.act(chairman, receipt.caseRef, "refuse",
                                 [("text", internalReason), ("wording", "not_investigated")])
        XCTAssertEqual(refused.status.code, 303)
        let view = try reporterView(receipt)
        XCTAssertEqual(view.status, .closed)
        XCTAssertFalse(view.messages.contains { $0.text.contains(internalReason) }, "the internal reason is not a message to the reporter")
        XCTAssertTrue(view.messages.contains { $0.text.contains("经审批，本举报暂不立案调查") }, "the reporter gets the standard wording")
        let page = try statusPage(receipt)
        XCTAssertTrue(page.contains("经审批，本举报暂不立案调查"))
        XCTAssertFalse(page.contains(internalReason))
        XCTAssertFalse(try reporterAPI(receipt).contains(internalReason))
        let headPage = html(try cw.call(.get, "/console/case/\(receipt.caseRef)", cookie: head.cookie))
        XCTAssertTrue(headPage.contains(internalReason), "the head sees the approver's internal reason")
    }

    func testRefusalAdditionReachesTheReporterOnlyWhenConfirmed() throws {
        let receipt = try proposed()
        let chairman = try cw.signIn("chairman")
        let unconfirmed = try cw.act(chairman, receipt.caseRef, "refuse",
                                     [("text", "内部"), ("wording", "insufficient_clues"), ("addition", "可补充材料后再举报")])
        XCTAssertEqual(unconfirmed.status.code, 422, "a free addition needs the approver's confirmation that it is for the reporter")
        XCTAssertEqual(try cw.act(chairman, receipt.caseRef, "refuse", [("wording", "insufficient_clues")]).status.code, 422,
                       "a refusal needs an internal reason")
        XCTAssertEqual(try cw.act(chairman, receipt.caseRef, "refuse", [("text", "内部"), ("wording", "no such")]).status.code, 422)
        XCTAssertTrue(try reporterView(receipt).messages.isEmpty, "nothing reached the reporter")
        XCTAssertEqual(try cw.act(chairman, receipt.caseRef, "refuse",
                                  [("text", "内部"), ("wording", "insufficient_clues"), ("addition", "可补充材料后再举报"),
                                   ("addition_for_reporter", "1")]).status.code, 303)
        let message = try XCTUnwrap(try reporterView(receipt).messages.first?.text)
        XCTAssertTrue(message.contains("可补充材料后再举报"))
        XCTAssertFalse(message.contains("内部"))
    }

    // MARK: finding 5.2 — prior knowledge cannot be back-dated

    func testBackdatedPriorKnowledgeTypedAtAssessmentIsRefused() throws {
        let receipt = try concluded()
        let backdated = cw.ledger.today.adding(days: -30).description
        let r = try cw.act(head, receipt.caseRef, "reward-assess",
                           [("loss", "1000"), ("prior_kind_0", "discovered"), ("prior_day_0", backdated)])
        XCTAssertEqual(r.status.code, 422, "a typed prior-knowledge date at assessment is refused")
        XCTAssertNil(try reporterView(receipt).reward, "the reporter was not told the report is ineligible")
    }

    func testPriorKnowledgeRecordedAfterReceiptCannotExclude() throws {
        let receipt = try concluded()
        cw.clock.advance(3 * 86_400)
        head = try cw.signIn("head")
        XCTAssertEqual(try cw.act(head, receipt.caseRef, "prior-knowledge",
                                  [("kind", "discovered"), ("text", "早在2020年即已掌握"), ("source", "内部审计")]).status.code, 303)
        XCTAssertEqual(try cw.act(head, receipt.caseRef, "reward-assess", [("loss", "1000")]).status.code, 303)
        XCTAssertEqual(try cw.ledger.reward(try staffCase(receipt, "head")).map(\.state), "assessed",
                       "a record entered after receipt, whatever it claims, does not make the report ineligible")
        XCTAssertNil(try reporterView(receipt).reward)
        let page = html(try cw.call(.get, "/console/case/\(receipt.caseRef)", cookie: head.cookie))
        XCTAssertTrue(page.contains("早在2020年即已掌握"), "the record is shown to the head")
        XCTAssertTrue(try audit().contains { $0.action == "prior_knowledge" && $0.caseRef == receipt.caseRef })
    }

    func testPriorKnowledgeFromAnEarlierRegisteredCaseExcludes() throws {
        let earlier = try cw.submit(ReportDraft(category: "bribery", narrative: "earlier"))
        XCTAssertEqual(try cw.act(head, earlier.caseRef, "register").status.code, 303)
        cw.clock.advance(2 * 86_400)
        head = try cw.signIn("head")
        let receipt = try concluded()
        XCTAssertEqual(try cw.act(head, receipt.caseRef, "prior-knowledge",
                                  [("kind", "investigating"), ("text", "同一事项已在查"), ("source", "案卷"),
                                   ("source_case", earlier.registerNumber.description)]).status.code, 303)
        XCTAssertEqual(try cw.act(head, receipt.caseRef, "reward-assess", [("loss", "1000")]).status.code, 303)
        XCTAssertEqual(try reporterView(receipt).reward?.reasons, [2], "known since the earlier case's received day (the server's)")
        XCTAssertEqual(try cw.act(head, receipt.caseRef, "prior-knowledge",
                                  [("kind", "investigating"), ("text", "x"), ("source", "y"),
                                   ("source_case", receipt.registerNumber.description)]).status.code, 422, "not itself")
    }

    func staffCase(_ receipt: Receipt, _ login: String) throws -> StaffCase {
        let account = try XCTUnwrap(try cw.ledger.account(login: login))
        let key = try XCTUnwrap(try cw.ledger.unlockKey(accountID: account.id, password: World.password))
        guard case .granted(let c) = try cw.ledger.staffCase(ref: receipt.caseRef, accountID: account.id, key: key, action: .view) else {
            throw NSError(domain: "not granted", code: 0)
        }
        return c
    }

    // MARK: finding 5.3 — the claim reference and the payment check

    func testPaymentWithoutACheckIsRefused() throws {
        let receipt = try approvedReward()
        XCTAssertEqual(try cw.act(head, receipt.caseRef, "reward-paid").status.code, 422)
        XCTAssertEqual(try reporterView(receipt).reward?.decision, .approved, "not recorded as paid")
    }

    func testWrongCodesAreRefusedAndAuditedAndNoCodeIsLogged() throws {
        let receipt = try approvedReward()
        let other = try cw.submit(ReportDraft(category: "bribery", narrative: "other"))
        let otherCode = other.code!.grouped
        var mistyped = Array(receipt.code!.digits)
        mistyped[3] = mistyped[3] == "1" ? "2" : "1"
        for wrong in [otherCode, String(mistyped)] {
            let r = try cw.act(head, receipt.caseRef, "reward-paid", [("code", wrong)])
            XCTAssertEqual(r.status.code, 422)
            XCTAssertFalse(html(r).contains(wrong), "the refusal page does not echo the code")
        }
        XCTAssertEqual(try reporterView(receipt).reward?.decision, .approved)
        let claim = try XCTUnwrap(try reporterView(receipt).reward?.claimRef)
        XCTAssertEqual(try cw.act(head, receipt.caseRef, "reward-paid", [("code", receipt.code!.grouped), ("claim_ref", "JL-AAAA-AAAA")]).status.code,
                       422, "the claim reference, when typed, must be this case's")
        XCTAssertEqual(try cw.act(head, receipt.caseRef, "reward-paid", [("code", receipt.code!.grouped), ("claim_ref", claim)]).status.code, 303)
        XCTAssertEqual(try reporterView(receipt).reward?.decision, .paid)
        let checks = try audit().filter { $0.action == "reward_check" && $0.caseRef == receipt.caseRef }
        XCTAssertEqual(checks.filter { $0.detail.contains("result=failed") }.count, 3)
        XCTAssertEqual(checks.filter { $0.detail.contains("result=passed") }.count, 1)
        for entry in try audit() {
            let line = "\(entry.actor) \(entry.action) \(entry.caseRef ?? "") \(entry.detail)"
            for code in [receipt.code!.digits, receipt.code!.grouped, other.code!.digits, otherCode, String(mistyped)] {
                XCTAssertFalse(line.contains(code), "a code in the audit log: \(line)")
            }
        }
    }

    /// A database writer who marks a reward paid without the check is stopped by the schema.
    func testTheDatabaseRefusesAPaymentWithoutACheck() throws {
        let receipt = try approvedReward()
        XCTAssertThrowsError(try cw.ledger.pool.write { db in
            try db.execute("UPDATE rewards SET state = 'paid' WHERE case_id = (SELECT id FROM cases WHERE ref = ?)", [.text(receipt.caseRef)])
        })
        XCTAssertEqual(try reporterView(receipt).reward?.decision, .approved)
    }

    func testInspectorDoesNotSeeTheClaimReference() throws {
        let receipt = try approvedReward()
        let claim = try XCTUnwrap(try reporterView(receipt).reward?.claimRef)
        XCTAssertTrue(html(try cw.call(.get, "/console/case/\(receipt.caseRef)", cookie: head.cookie)).contains(claim))
        for login in ["inspector1", "chairman"] {
            let session = try cw.signIn(login)
            let page = try cw.call(.get, "/console/case/\(receipt.caseRef)", cookie: session.cookie)
            XCTAssertEqual(page.status.code, 200)
            XCTAssertFalse(html(page).contains(claim), "\(login) sees the claim reference")
        }
    }

    // MARK: the same through the staff API

    func apiAct(_ token: String, _ ref: String, _ action: String, _ body: [String: Any]) throws -> Response {
        try cw.api(.post, "/api/v1/staff/cases/\(ref)/actions/\(action)", token: token, json: body)
    }

    /// An old API client that sends the refusal's text alone is refused: its text never becomes
    /// a message to the reporter. With a wording, the text is the internal reason.
    func testTheStaffAPIKeepsTheRefusalReasonInternal() throws {
        let receipt = try proposed()
        let chairman = try cw.createToken(try cw.signIn("chairman"))
        XCTAssertEqual(try apiAct(chairman, receipt.caseRef, "refuse", ["text": "内部：书记有不同意见"]).status.code, 422)
        XCTAssertTrue(try reporterView(receipt).messages.isEmpty)
        XCTAssertEqual(try apiAct(chairman, receipt.caseRef, "refuse",
                                  ["text": "内部：书记有不同意见", "wording": "outside_remit"]).status.code, 200)
        XCTAssertFalse(try reporterAPI(receipt).contains("书记有不同意见"))
        let view = json(try cw.api(.get, "/api/v1/staff/cases/\(receipt.caseRef)", token: try cw.createToken(head)))
        XCTAssertEqual((view["refusal_reasons"] as? [[String: Any]])?.first?["text"] as? String, "内部：书记有不同意见")
    }

    func testTheStaffAPIRefusesTypedDatesAndUncheckedPaymentsAndHidesTheClaimReference() throws {
        let receipt = try approvedReward()
        let headToken = try cw.createToken(head)
        XCTAssertEqual(try apiAct(headToken, receipt.caseRef, "reward-paid", [:]).status.code, 422)
        let claim = try XCTUnwrap(try reporterView(receipt).reward?.claimRef)
        let inspector = json(try cw.api(.get, "/api/v1/staff/cases/\(receipt.caseRef)", token: try cw.createToken(try cw.signIn("inspector1"))))
        XCTAssertTrue((inspector["reward"] as? [String: Any])?["claim_ref"] is NSNull, "the inspector gets no claim reference")
        let headView = json(try cw.api(.get, "/api/v1/staff/cases/\(receipt.caseRef)", token: headToken))
        XCTAssertEqual((headView["reward"] as? [String: Any])?["claim_ref"] as? String, claim)
        XCTAssertEqual(try apiAct(headToken, receipt.caseRef, "reward-paid", ["code": receipt.code!.grouped]).status.code, 200)
        XCTAssertEqual(try reporterView(receipt).reward?.decision, .paid)

        let other = try concluded()
        XCTAssertEqual(try apiAct(headToken, other.caseRef, "reward-assess",
                                  ["loss": "1000", "prior": [["kind": "discovered", "day": "2020-01-01"]]]).status.code, 422)
        XCTAssertNil(try reporterView(other).reward)
    }
}
