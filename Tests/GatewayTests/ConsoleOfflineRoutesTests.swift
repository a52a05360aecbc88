@testable import Casefile
import Casework
@testable import ConsoleSite
import Foundation
@testable import Gateway
import HTTPCore
@testable import ReporterSite
@testable import SiteKit
import XCTest

final class ConsoleOfflineRoutesTests: XCTestCase {
    var cw: ConsoleWorld!

    override func setUpWithError() throws { cw = try ConsoleWorld() }
    override func tearDown() { cw = nil }

    func testHeadRegistersALetterWithScanAndCode() throws {
        let head = try cw.signIn("head")
        XCTAssertEqual(try cw.call(.get, "/console/offline", cookie: head.cookie).status.code, 200)
        var form = MultipartBody()
        form.field("csrf", head.csrf)
        form.field("channel", "letter")
        form.field("category", "embezzlement")
        form.field("narrative", "来信反映财务挪用-LETTER")
        form.field("mode", "anonymous")
        form.field("issue_code", "1")
        form.file("files", filename: "来信扫描.pdf", type: "application/pdf", Array("%PDF-1.4 SCAN".utf8))
        let r = try cw.call(.post, "/console/offline", cookie: head.cookie, multipart: form)
        XCTAssertEqual(r.status.code, 200)
        let code = try XCTUnwrap(trackingCode(in: html(r)))
        let row = try XCTUnwrap(try cw.ledger.pool.read { db in try db.queryOne("SELECT channel, state FROM cases") })
        XCTAssertEqual(try row.string("channel"), "letter")
        // The head entering it has registered it: it does not wait again under "new reports".
        XCTAssertEqual(try row.string("state"), "registered")
        let inbox = html(try cw.call(.get, "/console?section=new", cookie: head.cookie))
        let new = try XCTUnwrap(inbox.range(of: "id=\"list\"")).upperBound
        let newSection = inbox[new..<(inbox.range(of: "</section>", range: new..<inbox.endIndex)?.lowerBound ?? inbox.endIndex)]
        XCTAssertFalse(newSection.contains("/console/case/"), "no registered case under new reports")
        // The reporter can use the code like any other.
        guard case .success(let reporter) = try cw.ledger.openCase(code: code, gate: LookupGateHandle()) else { return XCTFail("code must open") }
        XCTAssertEqual(try cw.ledger.reporterView(reporter).evidenceCount, 1)
        let actions = try cw.ledger.pool.read { db in try db.query("SELECT action FROM audit_log").compactMap { try $0.string("action") } }
        XCTAssertTrue(actions.contains("register_offline_report"))
    }

    func testWithoutCodeAndValidation() throws {
        let head = try cw.signIn("head")
        var bad = MultipartBody()
        bad.field("csrf", head.csrf)
        bad.field("channel", "phone")
        bad.field("narrative", "电话反映-KEPT")
        XCTAssertEqual(try cw.call(.post, "/console/offline", cookie: head.cookie, multipart: bad).status.code, 422)
        var good = MultipartBody()
        good.field("csrf", head.csrf)
        good.field("channel", "visit")
        good.field("category", "conduct")
        good.field("narrative", "面谈记录")
        let r = try cw.call(.post, "/console/offline", cookie: head.cookie, multipart: good)
        XCTAssertEqual(r.status.code, 200)
        XCTAssertNil(trackingCode(in: html(r)))
        XCTAssertEqual(try cw.ledger.pool.read { db in try db.scalar("SELECT count(*) FROM grants WHERE holder = 'reporter'", as: Int.self) }, 0)
    }

    func testOnlyTheHeadAndWithAToken() throws {
        for login in ["inspector1", "chairman", "admin", "auditor"] {
            let s = try cw.signIn(login)
            XCTAssertEqual(try cw.call(.get, "/console/offline", cookie: s.cookie).status.code, 404, login)
        }
        let head = try cw.signIn("head")
        var form = MultipartBody()
        form.field("csrf", "stale")
        form.field("category", "conduct")
        form.field("narrative", "x")
        XCTAssertEqual(try cw.call(.post, "/console/offline", cookie: head.cookie, multipart: form).status.code, 403)
        XCTAssertEqual(try cw.ledger.pool.read { db in try db.scalar("SELECT count(*) FROM cases", as: Int.self) }, 0)
    }
}
