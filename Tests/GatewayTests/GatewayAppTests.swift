import Casework
import Foundation
import HTTPCore
import Vault
import XCTest
@testable import Gateway

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
        let receipt = try WireClient.send(port: port, method: "POST", path: "/report",
                                          headers: [("Content-Type", form.contentType)], body: form.finished())
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
        try world.ledger.files.read(files[2], key: staffCase.caseKey, associatedData: CaseCrypto.fileAD(ref: ref, file: files[2])) { third += $0 }
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
