@testable import Casefile
import Casework
@testable import ConsoleSite
import Foundation
@testable import Gateway
import HTTPCore
@testable import ReporterSite
@testable import SiteKit
import TestSupport
import Vault
import XCTest

/// One live loopback test per flow; route-level checks are in ReporterRoutesTests.
final class GatewayAppTests: XCTestCase {
    func testReporterFlowOverLoopback() throws {
        let world = try World()
        try world.standardRoster()
        let app = try GatewayApp(ledger: world.ledger, templates: templatesFolder)
        let server = Server(configuration: ServerConfiguration(host: "127.0.0.1", port: 0), handler: app.handler)
        try server.start()
        defer { server.shutdown(); server.waitUntilStopped() }
        let port = server.port

        // Submit with two files.
        var form = MultipartBody()
        form.field("category", "private_contracting")
        form.field("narrative", "换热站工程被私下承包-LOOPBACK-NARRATIVE")
        form.field("accused_name_0", "赵六")
        form.field("accused_post_0", "施工队长")
        form.field("mode", "anonymous")
        form.file("files", filename: "合同.pdf", type: "application/pdf", Array("%PDF-1.4 LOOPBACK-FILE-ONE".utf8))
        form.file("files", filename: "收据.txt", type: "text/plain", Array("LOOPBACK-FILE-TWO".utf8))
        let posted = try WireClient.send(port: port, method: "POST", path: "/report",
                                         headers: [("Content-Type", form.contentType)], body: form.finished())
        XCTAssertEqual(posted.status, 303, "post-redirect-get: the receipt is a page of its own")
        let receipt = try followReceipt(posted, port: port)
        XCTAssertEqual(receipt.status, 200)
        let code = try XCTUnwrap(trackingCode(in: receipt.text))
        XCTAssertEqual(receipt.header("Cache-Control"), "no-store")

        // Status with the code.
        let opened = try WireClient.send(port: port, method: "POST", path: "/status",
                                         headers: [("Content-Type", "application/x-www-form-urlencoded")],
                                         body: URLEncodedForm.serialize([("code", code)]))
        XCTAssertEqual(opened.status, 303)
        let setCookie = try XCTUnwrap(opened.header("Set-Cookie"))
        XCTAssertTrue(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict"))
        let session = try XCTUnwrap(cookieValue(setCookie, ReporterSessions.cookieName))
        func statusPage() throws -> String {
            let page = try WireClient.send(port: port, method: "GET", path: "/status", headers: [("Cookie", "\(ReporterSessions.cookieName)=\(session)")])
            XCTAssertEqual(page.status, 200)
            return page.text
        }
        var page = try statusPage()
        XCTAssertTrue(page.contains("data-status=\"received\""))
        XCTAssertTrue(page.contains("id=\"case-status\""))

        // A message from the department appears; an internal note does not.
        let head = try XCTUnwrap(try world.ledger.account(login: "head"))
        let headKey = try XCTUnwrap(try world.ledger.unlockKey(accountID: head.id, password: World.password))
        let ref = try world.ledger.pool.read { db in try db.scalar("SELECT ref FROM cases", as: String.self) }!
        guard case .granted(let staffCase) = try world.ledger.staffCase(ref: ref, accountID: head.id, key: headKey, action: .messageReporter) else {
            return XCTFail("the head holds the case")
        }
        try world.ledger.messageReporter(staffCase, text: "请补充合同原件照片-DEPT-MESSAGE")
        try world.ledger.addNote(staffCase, text: "内部意见：疑似与采购科有关-INTERNAL-NOTE")
        page = try statusPage()
        XCTAssertTrue(page.contains("DEPT-MESSAGE"))
        XCTAssertFalse(page.contains("INTERNAL-NOTE"))
        let csrf = try XCTUnwrap(page.range(of: "name=\"csrf\" value=\"").map { String(page[$0.upperBound...].prefix(32)) })

        // The reporter replies and adds evidence.
        let reply = try WireClient.send(port: port, method: "POST", path: "/status/reply",
                                        headers: [("Content-Type", "application/x-www-form-urlencoded"),
                                                  ("Cookie", "\(ReporterSessions.cookieName)=\(session)")],
                                        body: URLEncodedForm.serialize([("csrf", csrf), ("text", "照片已上传-REPORTER-REPLY")]))
        XCTAssertEqual(reply.status, 303)
        var evidence = MultipartBody()
        evidence.field("csrf", csrf)
        evidence.file("files", filename: "原件.txt", type: "text/plain", Array("LOOPBACK-FILE-THREE".utf8))
        let added = try WireClient.send(port: port, method: "POST", path: "/status/evidence",
                                        headers: [("Content-Type", evidence.contentType), ("Cookie", "\(ReporterSessions.cookieName)=\(session)")],
                                        body: evidence.finished())
        XCTAssertEqual(added.status, 303)
        page = try statusPage()
        XCTAssertTrue(page.contains("REPORTER-REPLY"))
        XCTAssertTrue(page.contains("3"), "three files now")
        let view = try world.ledger.reporterView(try XCTUnwrap(try? world.ledger.openCase(code: code, gate: LookupGateHandle()).get()))
        XCTAssertEqual(view.evidenceCount, 3)
        XCTAssertEqual(view.messages.map(\.from), [.department, .reporter])

        // The head decrypts the evidence the reporter added later.
        let files = try world.ledger.pool.read { db in try db.query("SELECT file FROM attachments ORDER BY id").compactMap { try $0.string("file") } }
        var third: [UInt8] = []
        try world.ledger.readAttachment(staffCase, file: files[2]) { third += $0 }
        XCTAssertEqual(third, Array("LOOPBACK-FILE-THREE".utf8))

        // Nothing of it is stored readable.
        try world.ledger.pool.checkpoint()
        let stored = try world.allStoredBytes()
        for secret in ["LOOPBACK-NARRATIVE", "LOOPBACK-FILE-ONE", "LOOPBACK-FILE-TWO", "LOOPBACK-FILE-THREE", "DEPT-MESSAGE",
                       "INTERNAL-NOTE", "REPORTER-REPLY", "赵六", "合同.pdf"] {
            XCTAssertFalse(stored.contains(bytes: Array(secret.utf8)), secret)
        }

        // Ending the session ends it.
        let end = try WireClient.send(port: port, method: "POST", path: "/status/end",
                                      headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Cookie", "\(ReporterSessions.cookieName)=\(session)")],
                                      body: URLEncodedForm.serialize([("csrf", csrf)]))
        XCTAssertEqual(end.status, 303)
        XCTAssertFalse(try statusPage().contains("case-status"))
    }
}

extension GatewayAppTests {
    /// The department's flow over a real socket: TOTP login → register → propose → both
    /// approvals → designate → notes and a message the reporter reads → report → conclude.
    func testConsoleFlowOverLoopback() throws {
        let cw = try ConsoleWorld()
        let server = Server(configuration: ServerConfiguration(host: "127.0.0.1", port: 0), handler: cw.app.handler)
        try server.start()
        defer { server.shutdown(); server.waitUntilStopped() }
        let port = server.port
        let receipt = try cw.submit(ReportDraft(category: "private_contracting", narrative: "热力工程私揽-FLOW", mode: .anonymous))
        let ref = receipt.caseRef

        func signIn(_ login: String) throws -> (cookie: String, csrf: String) {
            cw.clock.advance(30)
            let r = try WireClient.send(port: port, method: "POST", path: "/console/login",
                                        headers: [("Content-Type", "application/x-www-form-urlencoded")],
                                        body: URLEncodedForm.serialize([("login", login), ("password", World.password), ("totp", try cw.code(login))]))
            XCTAssertEqual(r.status, 303, login)
            let cookie = try XCTUnwrap(cookieValue(r.header("Set-Cookie"), StaffSessions.cookieName))
            let inbox = try WireClient.send(port: port, method: "GET", path: "/console", headers: [("Cookie", "\(StaffSessions.cookieName)=\(cookie)")])
            XCTAssertEqual(inbox.status, 200)
            let csrf = try XCTUnwrap(inbox.text.range(of: "name=\"csrf\" value=\"").map { String(inbox.text[$0.upperBound...].prefix(64)) })
            return (cookie, csrf)
        }
        func act(_ s: (cookie: String, csrf: String), _ action: String, _ fields: [(String, String)] = [], expect: Int = 303) throws {
            let r = try WireClient.send(port: port, method: "POST", path: "/console/case/\(ref)/act/\(action)",
                                        headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Cookie", "\(StaffSessions.cookieName)=\(s.cookie)")],
                                        body: URLEncodedForm.serialize([("csrf", s.csrf)] + fields))
            XCTAssertEqual(r.status, expect, "\(action): \(r.text.prefix(300))")
        }
        func state() throws -> String? { try cw.ledger.pool.read { db in try db.scalar("SELECT state FROM cases", as: String.self) } }

        let head = try signIn("head")
        let inbox = try WireClient.send(port: port, method: "GET", path: "/console", headers: [("Cookie", "\(StaffSessions.cookieName)=\(head.cookie)")])
        XCTAssertTrue(inbox.text.contains(ref), "the new report is in the head's inbox")
        try act(head, "register", [("category", "private_contracting"), ("text", "已登记受理")])
        try act(head, "propose", [("text", "建议立案调查")])
        XCTAssertEqual(try state(), "awaiting_approval")
        try act(try signIn("chairman"), "approve")
        try act(try signIn("secretary"), "approve")
        XCTAssertEqual(try state(), "investigating")
        let inspector = try XCTUnwrap(try cw.ledger.account(login: "inspector1"))
        try act(head, "designate", [("inspector", String(inspector.id))])
        let investigator = try signIn("inspector1")
        try act(investigator, "note", [("text", "走访记录-INTERNAL")])
        try act(investigator, "message", [("text", "感谢举报，调查进行中-TO-REPORTER")])
        try act(investigator, "report", [("text", "经查属实。")])
        try act(head, "submit")
        try act(head, "conclude", [("outcome", "substantiated"), ("text", "经查属实，已依规处理。")])
        XCTAssertEqual(try state(), "concluded")

        // The reporter reads the department's messages, never the internal note.
        let opened = try WireClient.send(port: port, method: "POST", path: "/status",
                                         headers: [("Content-Type", "application/x-www-form-urlencoded")],
                                         body: URLEncodedForm.serialize([("code", receipt.code!.grouped)]))
        let session = try XCTUnwrap(cookieValue(opened.header("Set-Cookie"), ReporterSessions.cookieName))
        let status = try WireClient.send(port: port, method: "GET", path: "/status", headers: [("Cookie", "\(ReporterSessions.cookieName)=\(session)")])
        XCTAssertTrue(status.text.contains("data-status=\"concluded_substantiated\""))
        XCTAssertTrue(status.text.contains("TO-REPORTER"))
        XCTAssertFalse(status.text.contains("INTERNAL"))
        XCTAssertFalse(status.text.contains("经查属实。"), "the investigation report is internal")
        XCTAssertEqual(try cw.ledger.verifyAudit(), .success(try cw.ledger.pool.read { db in try db.scalar("SELECT count(*) FROM audit_log", as: Int.self)! }))
    }
}
