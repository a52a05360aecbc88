@testable import Casefile
import Casework
@testable import ConsoleSite
import Foundation
@testable import Gateway
import HTTPCore
@testable import ReporterSite
import SQLiteDB
@testable import SiteKit
import XCTest

final class ConsoleAuditRoutesTests: XCTestCase {
    var cw: ConsoleWorld!

    override func setUpWithError() throws { cw = try ConsoleWorld() }
    override func tearDown() { cw = nil }

    func verify(_ s: ConsoleWorld.Session) throws -> Response {
        try cw.call(.post, "/console/audit/verify", cookie: s.cookie, form: [("csrf", s.csrf)])
    }

    func testAuditorReadsTheLogNewestFirstWithNames() throws {
        _ = try cw.submit(ReportDraft(category: "bribery", narrative: "AUDIT-PAGE-NARRATIVE", accused: [AccusedPerson(name: "外部人员", post: "包工头")]))
        _ = try cw.signIn("head")
        let auditor = try cw.signIn("auditor")
        let r = try cw.call(.get, "/console/audit", cookie: auditor.cookie)
        XCTAssertEqual(r.status.code, 200)
        let page = html(r)
        XCTAssertTrue(page.contains("王建国 (head)"), "staff:<id> is shown as the person")
        XCTAssertTrue(page.contains("<code>login</code>"))
        XCTAssertTrue(page.contains(" UTC</td>"))
        XCTAssertFalse(page.contains("AUDIT-PAGE-NARRATIVE"))
        XCTAssertFalse(page.contains("/console/case/"), "no road from the audit pages to a case")
        let newest = try XCTUnwrap(page.range(of: "<code>login</code>"))
        let oldest = try XCTUnwrap(page.range(of: "<code>account_create</code>"))
        XCTAssertLessThan(newest.lowerBound, oldest.lowerBound, "newest first")

        let paged = html(try cw.call(.get, "/console/audit?before=5", cookie: auditor.cookie))
        XCTAssertTrue(paged.contains("<tr><td>4</td>"))
        XCTAssertFalse(paged.contains("<tr><td>5</td>"))
    }

    func testVerifySaysIntactThenShowsTheBreakAfterTampering() throws {
        let auditor = try cw.signIn("auditor")
        let intact = html(try verify(auditor))
        XCTAssertTrue(intact.contains("data-intact=\"true\""))
        let count = try XCTUnwrap(try cw.ledger.pool.read { db in try db.scalar("SELECT count(*) FROM audit_log", as: Int.self) })
        XCTAssertTrue(intact.contains("共 \(count - 1) 条记录"), "the count before this check's own entry")
        XCTAssertEqual(try cw.ledger.pool.read { db in try db.scalar("SELECT detail FROM audit_log WHERE action = 'audit_verify'", as: String.self) },
                       "result=intact entries=\(count - 1)")

        let db = try Database(path: cw.world.dataFolder.appendingPathComponent("candor.sqlite").path)
        try db.execute("DROP TRIGGER audit_log_no_update")
        try db.execute("UPDATE audit_log SET actor = 'someone-else' WHERE id = 3")
        try db.close()
        let broken = html(try verify(auditor))
        XCTAssertTrue(broken.contains("data-intact=\"false\""))
        XCTAssertTrue(broken.contains("第 3 条记录处被破坏"))
        XCTAssertTrue(broken.contains("the entry was altered"))
    }

    func testEveryoneElseGets404AndMissingCSRFGets403() throws {
        for login in ["admin", "head", "inspector1", "secretary"] {
            let s = try cw.signIn(login)
            XCTAssertEqual(try cw.call(.get, "/console/audit", cookie: s.cookie).status.code, 404, login)
            XCTAssertEqual(try verify(s).status.code, 404, login)
        }
        XCTAssertEqual(try cw.ledger.pool.read { db in try db.scalar("SELECT count(*) FROM audit_log WHERE action = 'audit_verify'", as: Int.self) }, 0)
        let auditor = try cw.signIn("auditor")
        XCTAssertEqual(try cw.call(.post, "/console/audit/verify", cookie: auditor.cookie, form: []).status.code, 403)
    }
}
