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

final class ConsoleAuthRoutesTests: XCTestCase {
    var cw: ConsoleWorld!

    override func setUpWithError() throws { cw = try ConsoleWorld() }
    override func tearDown() { cw = nil }

    func login(_ name: String, password: String = World.password, code: String? = nil) throws -> Response {
        try cw.call(.post, "/console/login", form: [("login", name), ("password", password), ("totp", code ?? (try? cw.code(name)) ?? "000000")])
    }

    func testConsoleNeedsASession() throws {
        let r = try cw.call(.get, "/console")
        XCTAssertEqual(r.status.code, 303)
        XCTAssertTrue(r.headers["Location"]?.hasPrefix("/console/login") ?? false)
        XCTAssertEqual(try cw.call(.get, "/console/login").status.code, 200)
    }

    func testAFixedSessionIDBeforeLoginIsWorthless() throws {
        let planted = String(repeating: "ab", count: 32)
        cw.clock.advance(30)
        var headers = HTTPHeaders()
        headers.add("Cookie", "\(StaffSessions.cookieName)=\(planted)")
        let r = try cw.call(.post, "/console/login", form: [("login", "head"), ("password", World.password), ("totp", try cw.code("head"))],
                            extraHeaders: headers)
        XCTAssertEqual(r.status.code, 303)
        let issued = try XCTUnwrap(cookieValue(r.headers["Set-Cookie"], StaffSessions.cookieName))
        XCTAssertNotEqual(issued, planted)
        XCTAssertEqual(try cw.call(.get, "/console", cookie: planted).status.code, 303, "the planted id opens nothing")
        XCTAssertEqual(try cw.call(.get, "/console", cookie: issued).status.code, 200)
    }

    func testSessionExpiresWhenIdleAndOneSessionPerAccount() throws {
        let first = try cw.signIn("head")
        let second = try cw.signIn("head")
        XCTAssertEqual(try cw.call(.get, "/console", cookie: first.cookie).status.code, 303, "a new login ends the old session")
        XCTAssertEqual(try cw.call(.get, "/console", cookie: second.cookie).status.code, 200)
        cw.clock.advance(31 * 60)
        XCTAssertEqual(try cw.call(.get, "/console", cookie: second.cookie).status.code, 303, "30 minutes idle ends it")
    }

    func testWrongPasswordCodeAndUnknownAccountLookAlike() throws {
        cw.clock.advance(30)
        let wrongPassword = try login("head", password: "not the right password")
        let wrongCode = try login("inspector1", code: "000000")
        let unknown = try login("nobody-here")
        XCTAssertEqual(wrongPassword.status.code, 401)
        XCTAssertEqual(wrongCode.status.code, 401)
        XCTAssertEqual(unknown.status.code, 401)
        func strip(_ r: Response) -> String { html(r).replacingOccurrences(of: #"value="[^"]*""#, with: "", options: .regularExpression) }
        XCTAssertEqual(strip(wrongPassword), strip(unknown))
        XCTAssertEqual(strip(wrongCode), strip(unknown))
    }

    func testReplayedTOTPCodeIsRefused() throws {
        cw.clock.advance(30)
        let code = try cw.code("head")
        XCTAssertEqual(try login("head", code: code).status.code, 303)
        XCTAssertEqual(try login("head", code: code).status.code, 401, "the same code twice")
    }

    func testLockOutAfterRepeatedFailuresForRealAndUnknownAccounts() throws {
        for name in ["head", "ghost-account"] {
            var last: Response?
            for _ in 0..<Ledger.freeFailures { last = try login(name, password: "wrong password again") }
            XCTAssertEqual(last?.status.code, 429, name)
            XCTAssertNotNil(last?.headers["Retry-After"])
        }
        // Even the right password is refused while locked.
        XCTAssertEqual(try login("head").status.code, 429)
        cw.clock.advance(3600)
        XCTAssertEqual(try login("head").status.code, 303)
    }

    func testDisabledAccountCannotSignIn() throws {
        try cw.ledger.setDisabled(login: "inspector1", true, actor: "test")
        XCTAssertEqual(try login("inspector1").status.code, 401)
    }

    func testEnrolmentComesBeforeAnyReport() throws {
        try cw.ledger.createAccount(login: "newbie", displayName: "新人", employeeID: nil, role: .inspector, seat: nil,
                                    password: World.password, actor: "test")
        let r = try cw.call(.post, "/console/login", form: [("login", "newbie"), ("password", World.password), ("totp", "")])
        XCTAssertEqual(r.status.code, 303)
        XCTAssertTrue(r.headers["Location"]?.hasPrefix("/console/totp") ?? false)
        let cookie = try XCTUnwrap(cookieValue(r.headers["Set-Cookie"], StaffSessions.cookieName))
        XCTAssertEqual(try cw.call(.get, "/console", cookie: cookie).headers["Location"]?.hasPrefix("/console/totp"), true)
        let page = html(try cw.call(.get, "/console/totp", cookie: cookie))
        XCTAssertTrue(page.contains("<svg"), "the QR code is drawn inline")
        let secretText = try XCTUnwrap(page.range(of: "<code class=\"secret\">").map { String(page[$0.upperBound...].prefix { $0 != "<" }) })
        let secret = SecureBytes(try Base32.decode(secretText.replacingOccurrences(of: " ", with: "")))
        let csrf = try XCTUnwrap(page.range(of: "name=\"csrf\" value=\"").map { String(page[$0.upperBound...].prefix(64)) })
        XCTAssertEqual(try cw.call(.post, "/console/totp", cookie: cookie, form: [("csrf", csrf), ("code", "123456")]).status.code, 422)
        let code = try TOTP.code(secret: secret, time: Date(timeIntervalSince1970: TimeInterval(cw.clock.now.load(ordering: .relaxed))))
        XCTAssertEqual(try cw.call(.post, "/console/totp", cookie: cookie, form: [("csrf", csrf), ("code", code)]).status.code, 303)
        XCTAssertEqual(try cw.call(.get, "/console", cookie: cookie).status.code, 200)
        XCTAssertEqual(try cw.ledger.account(login: "newbie")?.totpEnrolled, true)
    }

    func testLogoutWipesTheSession() throws {
        let s = try cw.signIn("head")
        XCTAssertEqual(try cw.call(.post, "/console/logout", cookie: s.cookie, form: [("csrf", s.csrf)]).status.code, 303)
        XCTAssertEqual(try cw.call(.get, "/console", cookie: s.cookie).status.code, 303)
        XCTAssertEqual(cw.app.staffSessions.table.count, 0)
    }

    func testLoginsAreAudited() throws {
        _ = try cw.signIn("head")
        _ = try login("head", password: "wrong password again")
        let actions = try cw.ledger.pool.read { db in try db.query("SELECT action FROM audit_log").compactMap { try $0.string("action") } }
        XCTAssertTrue(actions.contains("login"))
        XCTAssertTrue(actions.contains("login_failed"))
    }

    /// A failed login for an unknown name commits an audit entry as a known account's failure
    /// does (so the write, an fsync, does not tell them apart), and never records the name typed.
    func testUnknownLoginCommitsAnEntryWithoutTheNameTyped() throws {
        let before = try auditRows()
        XCTAssertEqual(try login("someone-mistyped-a-password-here").status.code, 401)
        let after = try auditRows()
        XCTAssertEqual(after.count, before.count + 1)
        let entry = try XCTUnwrap(after.last)
        XCTAssertEqual(entry.actor, "unknown")
        XCTAssertEqual(entry.action, "login_failed")
        XCTAssertFalse(after.contains { $0.detail.contains("someone-mistyped") || $0.actor.contains("someone-mistyped") })
    }

    private func auditRows() throws -> [(actor: String, action: String, detail: String)] {
        try cw.ledger.pool.read { db in
            try db.query("SELECT actor, action, detail FROM audit_log ORDER BY id").map {
                (try $0.string("actor") ?? "", try $0.string("action") ?? "", try $0.string("detail") ?? "")
            }
        }
    }

    /// Menus show what the role uses: API tokens serve those who work cases through the API (head,
    /// inspectors), not the leaders, the admin or the auditor.
    func testAPITokensAreInTheMenusOfThoseWhoWorkCasesOnly() throws {
        for (login, shown) in [("head", true), ("inspector1", true), ("chairman", false), ("secretary", false), ("admin", false), ("auditor", false)] {
            let page = html(try cw.call(.get, "/console", cookie: try cw.signIn(login).cookie))
            XCTAssertEqual(page.contains("href=\"/console/tokens"), shown, login)
        }
    }
}
