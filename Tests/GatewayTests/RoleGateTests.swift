@testable import Casefile
import Casework
@testable import ConsoleSite
import Foundation
@testable import Gateway
import HTTPCore
import SQLiteDB
@testable import SiteKit
import XCTest

/// Every role-gated console group answers a wrong role exactly like a page that does not exist,
/// in the visitor's language, and leaves an `access_denied` entry naming the action.
final class RoleGateTests: XCTestCase {
    var cw: ConsoleWorld!

    override func setUpWithError() throws { cw = try ConsoleWorld() }
    override func tearDown() { cw = nil }

    /// (method, path, a login whose role the policy refuses, the action the entry names).
    static let gated: [(HTTPMethod, String, String, String)] = [
        (.get, "/console/stats", "inspector1", "view_statistics"),
        (.get, "/console/stats.csv", "admin", "view_statistics"),
        (.get, "/console/offline", "inspector1", "register_offline_report"),
        (.post, "/console/offline", "chairman", "register_offline_report"),
        (.get, "/console/admin", "head", "manage_accounts"),
        (.post, "/console/admin/accounts", "auditor", "manage_accounts"),
        (.get, "/console/admin/settings", "auditor", "change_settings"),
        (.post, "/console/admin/settings", "head", "change_settings"),
        (.get, "/console/admin/mail", "auditor", "manage_accounts"),
        (.get, "/console/audit", "admin", "read_audit_log"),
        (.post, "/console/audit/verify", "head", "verify_audit_log"),
        (.get, "/console/deadlines", "inspector1", "view_deadlines"),
    ]

    func denials() throws -> [String] {
        try cw.ledger.pool.read { db in
            try db.query("SELECT detail FROM audit_log WHERE action = 'access_denied' ORDER BY id").map { try $0.string("detail") ?? "" }
        }
    }

    func call(_ method: HTTPMethod, _ target: String, _ session: ConsoleWorld.Session, language: String) throws -> Response {
        try cw.call(method, target, cookie: session.cookie, form: method == .post ? [("csrf", session.csrf)] : nil,
                    extraHeaders: ["Accept-Language": language])
    }

    func testAWrongRoleGetsTheLocalisedNotFoundPageAndAnAuditEntry() throws {
        for (method, path, login, action) in RoleGateTests.gated {
            let session = try cw.signIn(login)
            let before = try denials()
            let r = try call(method, path, session, language: "zh-CN,zh;q=0.9")
            let what = "\(method.rawValue) \(path) as \(login)"
            XCTAssertEqual(r.status.code, 404, what)
            XCTAssertTrue(html(r).contains("没有这个页面。"), "\(what): the Chinese not-found page, got \(html(r).prefix(200))")
            XCTAssertEqual(r.headers["Content-Language"], "zh-CN", what)
            let after = try denials()
            XCTAssertEqual(after.count, before.count + 1, "\(what): one access_denied entry")
            XCTAssertEqual(after.last, "action=\(action) reason=role", what)
        }
    }

    func testTheNotFoundPageFollowsTheChosenLanguage() throws {
        for (method, path, login, _) in RoleGateTests.gated {
            let r = try call(method, path + "?lang=en", try cw.signIn(login), language: "zh")
            XCTAssertEqual(r.status.code, 404, path)
            XCTAssertTrue(html(r).contains("There is no such page."), "\(method.rawValue) \(path) as \(login)")
        }
    }

    /// The gate lets the right role through: the group's pages still answer.
    func testTheRightRolePasses() throws {
        for (path, login) in [("/console/stats", "auditor"), ("/console/offline", "head"), ("/console/admin", "admin"),
                              ("/console/admin/settings", "admin"), ("/console/admin/mail", "admin"),
                              ("/console/audit", "auditor"), ("/console/deadlines", "head")] {
            let before = try denials().count
            let r = try cw.call(.get, path, cookie: try cw.signIn(login).cookie)
            XCTAssertEqual(r.status.code, 200, "\(path) as \(login)")
            XCTAssertEqual(try denials().count, before, "\(path) as \(login): no access_denied entry")
        }
    }
}

/// The same gate in front of a JSON group: the 404 is the API's JSON error, in the language of
/// `Accept-Language`, and the entry is written the same way.
final class RoleGateJSONTests: XCTestCase {
    func testAWrongRoleGetsAJSONNotFoundAndAnAuditEntry() throws {
        let cw = try ConsoleWorld()
        let inspector = try XCTUnwrap(try cw.ledger.accounts().first { $0.login == "inspector1" })
        let router = Router()
        let gate = RoleGate.require(.viewStatistics, ledger: cw.ledger, pages: cw.app.pages, answer: .json) { _ in inspector }
        router.group("/api/v1", middleware: [gate]).get("/figures") { _ in Response.text("figures") }
        let handler = router.makeHandler()
        let denied = { try cw.ledger.pool.read { db in try db.scalar("SELECT count(*) FROM audit_log WHERE action = 'access_denied'", as: Int.self) ?? 0 } }
        let before = try denied()
        let r = try handler.handle(try Request(method: .get, target: "/api/v1/figures", headers: ["Accept-Language": "zh-CN"], body: []))
        XCTAssertEqual(r.status.code, 404)
        XCTAssertEqual(r.headers["Content-Type"], APIJSON.mediaType)
        XCTAssertTrue(html(r).contains("没有这个页面。"), html(r))
        XCTAssertFalse(html(r).contains("figures"))
        XCTAssertEqual(try denied(), before + 1)
    }
}
