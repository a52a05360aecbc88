@testable import Casefile
import Casework
@testable import ConsoleSite
import Foundation
@testable import Gateway
import HTTPCore
import Presentation
@testable import ReporterSite
import SQLiteDB
@testable import SiteKit
import XCTest

final class ConsoleCaseRoutesTests: XCTestCase {
    var cw: ConsoleWorld!

    override func setUpWithError() throws { cw = try ConsoleWorld() }
    override func tearDown() { cw = nil }

    func newCase(accused: [AccusedPerson] = [AccusedPerson(name: "外部人员", post: "包工头")]) throws -> Receipt {
        try cw.submit(ReportDraft(category: "private_contracting", narrative: "私揽工程-CONSOLE-NARRATIVE", accused: accused))
    }

    func auditCount(_ action: String) throws -> Int {
        try cw.ledger.pool.read { db in try db.scalar("SELECT count(*) FROM audit_log WHERE action = ?", [.text(action)], as: Int.self) ?? 0 }
    }

    /// Every console route a case has, with its method.
    func everyCaseRoute(_ ref: String) -> [(HTTPMethod, String)] {
        [(.get, "/console/case/\(ref)"), (.get, "/console/case/\(ref)/file/0000")]
            + ConsoleCaseRoutes.actionMap.keys.sorted().map { (.post, "/console/case/\(ref)/act/\($0)") }
            + [(.post, "/console/case/\(ref)/evidence")]
    }

    /// The report section walks the field table: each fact under its label, each accused with
    /// every part of the row.
    func testTheCasePageShowsEveryFieldOfTheTable() throws {
        var draft = ReportDraft(accused: [AccusedPerson(name: "外部人员", post: "包工头", employeeID: "E9001")])
        for field in ReportField.texts { draft[field] = "v-\(field.name)" }
        draft.category = "bribery"
        let receipt = try cw.submit(draft)
        let page = html(try cw.call(.get, "/console/case/\(receipt.caseRef)?lang=en", cookie: try cw.signIn("head").cookie))
        let library = try TemplateLibrary(directory: templatesFolder)
        for field in ReportField.facts {
            let shown = field.kind == .longText ? "<p class=\"body\">v-\(field.name)</p>"
                : "<dt>\(HTMLEscape.escape(library.text(field.label, .en)))</dt><dd>v-\(field.name)</dd>"
            XCTAssertTrue(page.contains(shown), field.name)
        }
        XCTAssertTrue(page.contains("<li>\(PersonPart.all.map { draft.accused[0][$0] }.joined(separator: " — "))</li>"))
    }

    /// Ids are unique on the case page: with two elements called "files", the file input took
    /// the section's name and a screen reader announced the browser's "Choose Files".
    func testTheCasePageHasNoDuplicateIds() throws {
        let receipt = try newCase()
        let page = html(try cw.call(.get, "/console/case/\(receipt.caseRef)?lang=en", cookie: try cw.signIn("head").cookie))
        XCTAssertTrue(page.contains("<input id=\"internal-files\" name=\"files\" type=\"file\""))
        let ids = page.matches(of: /\sid="([^"]+)"/).map { String($0.1) }
        XCTAssertFalse(ids.isEmpty)
        XCTAssertEqual(Set(ids).count, ids.count, "duplicated: \(Dictionary(grouping: ids, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted())")
    }

    func testExcludedInspectorGetsNothingFromAnyRoute() throws {
        // 李娜 (inspector1) is named as the accused.
        let receipt = try newCase(accused: [AccusedPerson(name: "李娜", post: "调查人员")])
        let head = try cw.signIn("head")
        XCTAssertTrue(html(try cw.call(.get, "/console/case/\(receipt.caseRef)", cookie: head.cookie)).contains("CONSOLE-NARRATIVE"))
        XCTAssertEqual(try cw.act(head, receipt.caseRef, "register").status.code, 303)
        // The head cannot designate her: refused, audited.
        let before = try auditCount("designate_refused")
        let inspector1 = try XCTUnwrap(try cw.ledger.account(login: "inspector1"))
        XCTAssertEqual(try cw.act(head, receipt.caseRef, "propose", [("text", "摘要")]).status.code, 303)
        let chairman = try cw.signIn("chairman"), secretary = try cw.signIn("secretary")
        XCTAssertEqual(try cw.act(chairman, receipt.caseRef, "approve").status.code, 303)
        XCTAssertEqual(try cw.act(secretary, receipt.caseRef, "approve").status.code, 303)
        let refused = try cw.act(head, receipt.caseRef, "designate", [("inspector", String(inspector1.id))])
        XCTAssertEqual(refused.status.code, 422)
        XCTAssertTrue(html(refused).contains("art. 10"))
        XCTAssertEqual(try auditCount("designate_refused"), before + 1)

        // She logs in and calls every route with the case's reference.
        let excluded = try cw.signIn("inspector1")
        let denied = try auditCount("access_denied")
        let routes = everyCaseRoute(receipt.caseRef)
        for (method, path) in routes {
            let r: Response
            if method == .get {
                r = try cw.call(.get, path, cookie: excluded.cookie)
            } else if path.hasSuffix("/evidence") {
                var m = MultipartBody()
                m.field("csrf", excluded.csrf)
                m.file("files", filename: "x.txt", type: "text/plain", Array("x".utf8))
                r = try cw.call(.post, path, cookie: excluded.cookie, multipart: m)
            } else {
                r = try cw.call(.post, path, cookie: excluded.cookie, form: [("csrf", excluded.csrf), ("text", "x"), ("inspector", "1"), ("outcome", "substantiated"), ("request", "1"), ("grant", "1")])
            }
            XCTAssertEqual(r.status.code, 404, "\(method) \(path)")
            XCTAssertFalse(html(r).contains("CONSOLE-NARRATIVE"))
        }
        XCTAssertEqual(try auditCount("access_denied"), denied + routes.count, "every attempt leaves an audit entry")
        XCTAssertFalse(html(try cw.call(.get, "/console", cookie: excluded.cookie)).contains(receipt.caseRef), "not even listed")
    }

    func testExcludedHeadAndApproverGetNothing() throws {
        cw.world.settings.alternates = Alternates(intake: "inspector2", chairman: "secretary")
        try cw.reopen()
        let receipt = try newCase(accused: [AccusedPerson(name: "王建国", post: "负责人"), AccusedPerson(name: "赵敏", post: "董事长")])
        for login in ["head", "chairman"] {
            let s = try cw.signIn(login)
            let denied = try auditCount("access_denied")
            for (method, path) in everyCaseRoute(receipt.caseRef) where !path.hasSuffix("/evidence") {
                let r = method == .get ? try cw.call(.get, path, cookie: s.cookie)
                    : try cw.call(.post, path, cookie: s.cookie, form: [("csrf", s.csrf), ("text", "x"), ("outcome", "substantiated"), ("on", "1")])
                XCTAssertEqual(r.status.code, 404, "\(login) \(method) \(path)")
            }
            XCTAssertEqual(try auditCount("access_denied"), denied + everyCaseRoute(receipt.caseRef).count - 1, login)
        }
        // The alternates took their places instead.
        let alternate = try cw.signIn("inspector2")
        XCTAssertEqual(try cw.call(.get, "/console/case/\(receipt.caseRef)", cookie: alternate.cookie).status.code, 200)
    }

    func testLegalHold() throws {
        let receipt = try newCase()
        let head = try cw.signIn("head")
        XCTAssertEqual(try cw.act(head, receipt.caseRef, "legal-hold", [("on", "1")]).status.code, 303)
        XCTAssertEqual(try cw.ledger.pool.read { db in try db.scalar("SELECT legal_hold FROM cases", as: Int.self) }, 1)
        XCTAssertTrue(html(try cw.call(.get, "/console/case/\(receipt.caseRef)", cookie: head.cookie)).contains("解除暂停销毁"))
        XCTAssertEqual(try cw.act(head, receipt.caseRef, "legal-hold", [("on", "0")]).status.code, 303)
        XCTAssertEqual(try cw.ledger.pool.read { db in try db.scalar("SELECT legal_hold FROM cases", as: Int.self) }, 0)
    }

    func testDesignatedInspectorCannotReachAnotherCase() throws {
        let mine = try newCase(), other = try newCase()
        let head = try cw.signIn("head")
        let inspector = try XCTUnwrap(try cw.ledger.account(login: "inspector2"))
        try runToInvestigation(mine.caseRef, head: head)
        XCTAssertEqual(try cw.act(head, mine.caseRef, "designate", [("inspector", String(inspector.id))]).status.code, 303)
        let s = try cw.signIn("inspector2")
        XCTAssertEqual(try cw.call(.get, "/console/case/\(mine.caseRef)", cookie: s.cookie).status.code, 200)
        XCTAssertEqual(try cw.call(.get, "/console/case/\(other.caseRef)", cookie: s.cookie).status.code, 404)
        XCTAssertEqual(try cw.act(s, other.caseRef, "note", [("text", "x")]).status.code, 404)
        // And cannot do the head's acts on their own case.
        XCTAssertEqual(try cw.act(s, mine.caseRef, "conclude", [("outcome", "substantiated")]).status.code, 403)
    }

    func runToInvestigation(_ ref: String, head: ConsoleWorld.Session) throws {
        XCTAssertEqual(try cw.act(head, ref, "register").status.code, 303)
        XCTAssertEqual(try cw.act(head, ref, "propose", [("text", "摘要")]).status.code, 303)
        XCTAssertEqual(try cw.act(try cw.signIn("chairman"), ref, "approve").status.code, 303)
        XCTAssertEqual(try cw.act(try cw.signIn("secretary"), ref, "approve").status.code, 303)
    }

    func testMissingOrStaleCSRFIsRefused() throws {
        let receipt = try newCase()
        let head = try cw.signIn("head")
        let none = try cw.call(.post, "/console/case/\(receipt.caseRef)/act/register", cookie: head.cookie, form: [])
        XCTAssertEqual(none.status.code, 403)
        let stale = try cw.call(.post, "/console/case/\(receipt.caseRef)/act/register", cookie: head.cookie, form: [("csrf", String(repeating: "0", count: 64))])
        XCTAssertEqual(stale.status.code, 403)
        // A token from an earlier session is stale too.
        let again = try cw.signIn("head")
        XCTAssertEqual(try cw.act(ConsoleWorld.Session(cookie: again.cookie, csrf: head.csrf), receipt.caseRef, "register").status.code, 403)
        XCTAssertEqual(try cw.ledger.pool.read { db in try db.scalar("SELECT state FROM cases", as: String.self) }, "submitted")
    }

    func testAdminAndAuditorCannotOpenACase() throws {
        let receipt = try newCase()
        for login in ["admin", "auditor"] {
            let s = try cw.signIn(login)
            XCTAssertEqual(try cw.call(.get, "/console/case/\(receipt.caseRef)", cookie: s.cookie).status.code, 404, login)
        }
    }

    func testApprovalIsArt7AndDesignationWaitsForBoth() throws {
        let receipt = try newCase()
        let head = try cw.signIn("head")
        XCTAssertEqual(try cw.act(head, receipt.caseRef, "register").status.code, 303)
        XCTAssertEqual(try cw.act(head, receipt.caseRef, "propose", [("text", "")]).status.code, 422, "a summary is required")
        XCTAssertEqual(try cw.act(head, receipt.caseRef, "propose", [("text", "摘要")]).status.code, 303)
        XCTAssertEqual(try cw.act(head, receipt.caseRef, "approve").status.code, 403, "the head does not approve")
        let inspector = try XCTUnwrap(try cw.ledger.account(login: "inspector2"))
        XCTAssertEqual(try cw.act(head, receipt.caseRef, "designate", [("inspector", String(inspector.id))]).status.code, 403)
        XCTAssertEqual(try cw.act(try cw.signIn("chairman"), receipt.caseRef, "approve").status.code, 303)
        XCTAssertEqual(try cw.act(head, receipt.caseRef, "designate", [("inspector", String(inspector.id))]).status.code, 403, "one seat is not enough")
        XCTAssertEqual(try cw.act(try cw.signIn("secretary"), receipt.caseRef, "approve").status.code, 303)
        XCTAssertEqual(try cw.act(head, receipt.caseRef, "designate", [("inspector", String(inspector.id))]).status.code, 303)
    }

    func testRecusalDeletesTheGrantAtOnce() throws {
        let receipt = try newCase()
        let head = try cw.signIn("head")
        try runToInvestigation(receipt.caseRef, head: head)
        let inspector = try XCTUnwrap(try cw.ledger.account(login: "inspector2"))
        XCTAssertEqual(try cw.act(head, receipt.caseRef, "designate", [("inspector", String(inspector.id))]).status.code, 303)
        let s = try cw.signIn("inspector2")
        XCTAssertEqual(try cw.act(s, receipt.caseRef, "recuse", [("text", "亲属关系")]).status.code, 303)
        XCTAssertEqual(try cw.call(.get, "/console/case/\(receipt.caseRef)", cookie: s.cookie).status.code, 404)
        let grants = try cw.ledger.pool.read { db in
            try db.scalar("SELECT count(*) FROM grants WHERE holder = ?", [.text(Holder.account(inspector.id))], as: Int.self)
        }
        XCTAssertEqual(grants, 0)
        // And the head can never designate them again.
        XCTAssertEqual(try cw.act(head, receipt.caseRef, "designate", [("inspector", String(inspector.id))]).status.code, 422)
    }

    func testInternalNotesNeverReachTheReporter() throws {
        let receipt = try newCase()
        let head = try cw.signIn("head")
        XCTAssertEqual(try cw.act(head, receipt.caseRef, "note", [("text", "内部意见-SECRET-NOTE")]).status.code, 303)
        XCTAssertEqual(try cw.act(head, receipt.caseRef, "interview", [("text", "谈话-SECRET-INTERVIEW")]).status.code, 303)
        XCTAssertEqual(try cw.act(head, receipt.caseRef, "message", [("text", "请补充材料-VISIBLE")]).status.code, 303)
        let reporter = try XCTUnwrap(try? cw.ledger.openCase(code: receipt.code!.digits, gate: LookupGateHandle()).get())
        let view = try cw.ledger.reporterView(reporter)
        XCTAssertEqual(view.messages.map(\.text), ["请补充材料-VISIBLE"])
    }

    func testIdentityRequestAndArt16() throws {
        var draft = ReportDraft(category: "bribery", narrative: "x", mode: .realName,
                                identity: .init(name: "实名人-IDENTITY", phone: "13911112222", otherContact: ""))
        let open = try cw.submit(draft)
        draft.confidential = true
        let secret = try cw.submit(draft)
        let head = try cw.signIn("head")
        let inspector = try XCTUnwrap(try cw.ledger.account(login: "inspector2"))
        for ref in [open.caseRef, secret.caseRef] {
            try runToInvestigation(ref, head: head)
            XCTAssertEqual(try cw.act(head, ref, "designate", [("inspector", String(inspector.id))]).status.code, 303)
        }
        // The head sees the identity; the inspector does not, until the head grants a request.
        XCTAssertTrue(html(try cw.act(head, open.caseRef, "identity-show")).contains("实名人-IDENTITY"))
        let s = try cw.signIn("inspector2")
        XCTAssertEqual(try cw.act(s, open.caseRef, "identity-show").status.code, 422)
        for ref in [open.caseRef, secret.caseRef] {
            XCTAssertEqual(try cw.act(s, ref, "identity-request", [("text", "需要当面核实")]).status.code, 303)
        }
        XCTAssertEqual(try cw.act(head, open.caseRef, "identity-decide", [("request", "1"), ("grant", "1")]).status.code, 303)
        XCTAssertTrue(html(try cw.act(s, open.caseRef, "identity-show")).contains("实名人-IDENTITY"))
        // Art. 16: the confidential one is refused whatever the head clicks.
        let refused = try cw.act(head, secret.caseRef, "identity-decide", [("request", "2"), ("grant", "1")])
        XCTAssertEqual(refused.status.code, 422)
        XCTAssertTrue(html(refused).contains("art. 16"))
        XCTAssertFalse(html(try cw.act(s, secret.caseRef, "identity-show")).contains("实名人-IDENTITY"))
    }

    func testDownloadStreamsAndCorruptionIsReported() throws {
        let staging = try cw.ledger.beginIntake()
        let writer = try staging.beginFile(in: cw.ledger.files)
        try writer.write(Array("EVIDENCE-BYTES".utf8))
        try staging.finishFile(writer, meta: AttachmentMeta(fileName: "证据 \"1\".txt", contentType: "text/plain", size: 14, metadataStripped: false))
        let receipt = try cw.ledger.submit(ReportDraft(category: "bribery", narrative: "x"), staging: staging)
        let head = try cw.signIn("head")
        let file = try cw.ledger.pool.read { db in try db.scalar("SELECT file FROM attachments", as: String.self) }!
        let r = try cw.call(.get, "/console/case/\(receipt.caseRef)/file/\(file)", cookie: head.cookie)
        XCTAssertEqual(r.status.code, 200)
        XCTAssertEqual(r.headers["Content-Type"], "application/octet-stream")
        XCTAssertTrue(r.headers["Content-Disposition"]?.hasPrefix("attachment;") ?? false)
        // Corrupt one byte on disk: the page says so instead of sending altered bytes.
        let path = cw.ledger.files.folder.appendingPathComponent(file).path
        var bytes = Array(FileManager.default.contents(atPath: path)!)
        bytes[bytes.count - 20] ^= 1
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let bad = try cw.call(.get, "/console/case/\(receipt.caseRef)/file/\(file)", cookie: head.cookie)
        XCTAssertEqual(bad.status.code, 500)
        XCTAssertTrue(html(bad).contains("完整性校验"))
    }
}

extension ConsoleCaseRoutesTests {
    func testDeadlinesThisWeekAndOnTheCase() throws {
        let receipt = try newCase()
        let head = try cw.signIn("head")
        var page = html(try cw.call(.get, "/console/deadlines", cookie: head.cookie))
        XCTAssertTrue(page.contains(receipt.registerNumber.description), "registration falls due within 7 days")
        XCTAssertFalse(page.contains("deadline overdue"))
        cw.clock.advance(8 * 86_400)
        page = html(try cw.call(.get, "/console/deadlines", cookie: try cw.signIn("head").cookie))
        XCTAssertTrue(page.contains("deadline overdue"), "8 days later registration is overdue")
        let s = try cw.signIn("head")
        XCTAssertTrue(html(try cw.call(.get, "/console", cookie: s.cookie)).contains("deadline overdue"), "and in the inbox's overdue list")
        XCTAssertTrue(html(try cw.call(.get, "/console/case/\(receipt.caseRef)", cookie: s.cookie)).contains("已逾期"))
        XCTAssertEqual(try cw.call(.get, "/console/deadlines", cookie: try cw.signIn("inspector1").cookie).status.code, 404)
    }

    /// The inbox's list (one section a page since issue 16: `/console?section=...`).
    func section(_ id: String, of page: String) -> Substring {
        guard let start = page.range(of: "id=\"\(id)\"")?.upperBound else { return "" }
        return page[start..<(page.range(of: "</section>", range: start..<page.endIndex)?.lowerBound ?? page.endIndex)]
    }

    /// Every open case shows its next deadline in the lists from the day it arrives, classed by
    /// urgency: later, due within the "due soon" days, overdue.
    func testEveryOpenCaseShowsItsNextDeadlineByUrgency() throws {
        let receipt = try newCase()
        var inbox = html(try cw.call(.get, "/console?section=new", cookie: try cw.signIn("head").cookie))
        XCTAssertTrue(section("list", of: inbox).contains("<span class=\"deadline later\">登记期限"), "a new report shows its deadline at once")
        XCTAssertTrue(section("list", of: inbox).contains("还剩 7 天"))
        cw.clock.advance(6 * 86_400)
        inbox = html(try cw.call(.get, "/console", cookie: try cw.signIn("head").cookie))
        XCTAssertTrue(section("list", of: inbox).contains("<span class=\"deadline due-soon\">"))
        cw.clock.advance(2 * 86_400)
        let head = try cw.signIn("head")
        inbox = html(try cw.call(.get, "/console", cookie: head.cookie))
        XCTAssertTrue(section("list", of: inbox).contains("<span class=\"deadline overdue\">"))
        let page = html(try cw.call(.get, "/console/case/\(receipt.caseRef)", cookie: head.cookie))
        XCTAssertTrue(page.contains("id=\"next-deadline\""), "prominent on the case page")
        XCTAssertTrue(page.contains("deadline-banner deadline overdue"))
    }

    /// Art. 9's feedback is met only by a message marked as feedback: a routine "registered" note
    /// or an unmarked message leaves it open.
    func testFeedbackCountsOnlyWhenMarked() throws {
        let receipt = try newCase()
        let head = try cw.signIn("head")
        func feedbackMet() throws -> Bool {
            try cw.ledger.inbox(accountID: XCTUnwrap(try cw.ledger.account(login: "head")).id)
                .first { $0.ref == receipt.caseRef }?.deadlines.first { $0.kind == .feedback }?.metOn != nil
        }
        XCTAssertEqual(try cw.act(head, receipt.caseRef, "register", [("text", "您的举报已收到并登记。")]).status.code, 303)
        XCTAssertFalse(try feedbackMet(), "a registration note is not feedback")
        XCTAssertEqual(try cw.act(head, receipt.caseRef, "message", [("text", "请补充材料")]).status.code, 303)
        XCTAssertFalse(try feedbackMet(), "an unmarked message is not feedback")
        XCTAssertTrue(html(try cw.call(.get, "/console/case/\(receipt.caseRef)", cookie: head.cookie)).contains("name=\"feedback\" value=\"1\""))
        XCTAssertEqual(try cw.act(head, receipt.caseRef, "message", [("text", "正在核查中"), ("feedback", "1")]).status.code, 303)
        XCTAssertTrue(try feedbackMet())
    }

    /// "Awaiting me" holds every decision waiting for this person: a reward proposal for each
    /// seat, an identity request for the head.
    func testAwaitingMeHoldsRewardApprovalsAndIdentityRequests() throws {
        var draft = ReportDraft(category: "bribery", narrative: "x", mode: .realName,
                                identity: .init(name: "实名人", phone: "13911112222", otherContact: ""))
        draft.accused = [AccusedPerson(name: "外部人员", post: "包工头")]
        let ref = try cw.submit(draft).caseRef
        let head = try cw.signIn("head")
        try runToInvestigation(ref, head: head)
        let inspector = try XCTUnwrap(try cw.ledger.account(login: "inspector1"))
        XCTAssertEqual(try cw.act(head, ref, "designate", [("inspector", String(inspector.id))]).status.code, 303)
        let s = try cw.signIn("inspector1")
        XCTAssertEqual(try cw.act(s, ref, "identity-request", [("text", "需要当面核实")]).status.code, 303)
        var inbox = html(try cw.call(.get, "/console?section=awaiting_me", cookie: head.cookie))
        XCTAssertTrue(section("list", of: inbox).contains(ref), "the head's identity decision")
        XCTAssertTrue(section("list", of: inbox).contains("待审批查看身份申请"))
        XCTAssertEqual(try cw.act(head, ref, "identity-decide", [("request", "1"), ("grant", "0")]).status.code, 303)
        XCTAssertEqual(try cw.act(s, ref, "report", [("text", "r")]).status.code, 303)
        XCTAssertEqual(try cw.act(head, ref, "submit").status.code, 303)
        XCTAssertEqual(try cw.act(head, ref, "conclude", [("outcome", "substantiated")]).status.code, 303)
        XCTAssertEqual(try cw.act(head, ref, "reward-assess", [("loss", "60000")]).status.code, 303)
        XCTAssertEqual(try cw.act(head, ref, "reward-propose", [("amount", "3000")]).status.code, 303)
        for login in ["chairman", "secretary"] {
            inbox = html(try cw.call(.get, "/console?section=awaiting_me", cookie: try cw.signIn(login).cookie))
            XCTAssertTrue(section("list", of: inbox).contains(ref), "\(login) has the reward to approve")
            XCTAssertTrue(section("list", of: inbox).contains("待审批奖励"))
        }
        XCTAssertEqual(try cw.act(try cw.signIn("chairman"), ref, "reward-approve").status.code, 303)
        inbox = html(try cw.call(.get, "/console?section=awaiting_me", cookie: try cw.signIn("chairman").cookie))
        XCTAssertFalse(section("list", of: inbox).contains(ref), "approved: no longer waiting for the chairman")
    }

    /// Real name, strict confidentiality (art. 16) and legal hold are marked in the lists and on the page.
    func testMarksForRealNameConfidentialityAndLegalHold() throws {
        var draft = ReportDraft(category: "bribery", narrative: "x", mode: .realName,
                                identity: .init(name: "实名人", phone: "13911112222", otherContact: ""))
        draft.confidential = true
        let marked = try cw.submit(draft).caseRef
        let plain = try newCase().caseRef
        let head = try cw.signIn("head")
        XCTAssertEqual(try cw.act(head, marked, "legal-hold", [("on", "1")]).status.code, 303)
        let inbox = html(try cw.call(.get, "/console", cookie: head.cookie))
        let rows = section("list", of: inbox).components(separatedBy: "<tr>")
        let markedRow = try XCTUnwrap(rows.first { $0.contains(marked) }), plainRow = try XCTUnwrap(rows.first { $0.contains(plain) })
        for mark in ["badge real-name", "badge confidential", "badge legal-hold"] {
            XCTAssertTrue(markedRow.contains(mark), mark)
            XCTAssertFalse(plainRow.contains(mark), mark)
        }
        let page = html(try cw.call(.get, "/console/case/\(marked)", cookie: head.cookie))
        XCTAssertTrue(page.contains("<span class=\"badge confidential\">严格保密</span>"))
    }
}
