@testable import Casefile
import Casework
@testable import Commands
@testable import ConsoleSite
import Foundation
@testable import Gateway
import HTTPCore
import SQLiteDB
@testable import SiteKit
import TestSupport
import Vault
import XCTest

/// Issue 13, the two-person rule through the console and the command line: the admin's change
/// shows as awaiting confirmation, only a head or a seat holder sees and decides it, and the
/// command line, the demo and `serve` keep to the same rule.
final class ConsoleConfirmRoutesTests: XCTestCase {
    var cw: ConsoleWorld!

    override func setUpWithError() throws { cw = try ConsoleWorld() }
    override func tearDown() { cw = nil }

    func post(_ s: ConsoleWorld.Session, _ path: String, _ fields: [(String, String)]) throws -> Response {
        try cw.call(.post, path, cookie: s.cookie, form: [("csrf", s.csrf)] + fields)
    }

    func holders(_ ref: String) throws -> Set<String> {
        Set(try cw.ledger.pool.read { db in
            try db.query("""
                SELECT a.login FROM grants g JOIN cases c ON c.id = g.case_id JOIN accounts a ON a.id = g.account_id WHERE c.ref = ?
                """, [.text(ref)]).map { try $0.required(String.self, "login", table: "accounts") }
        })
    }

    func ordinaryReport() throws -> String {
        try cw.submit(ReportDraft(category: "bribery", narrative: "CONFIRM-ROUTES", accused: [AccusedPerson(name: "外部人员", post: "包工头")])).caseRef
    }

    func testTheAdminsNewHeadAwaitsAHeadsConfirmationInTheConsole() throws {
        let admin = try cw.signIn("admin")
        XCTAssertEqual(try post(admin, "/console/admin/accounts", [("login", "head2"), ("name", "周强"), ("employee_id", "E1004"),
                                                                    ("role", "head"), ("seat", ""), ("password", "a long new passphrase")]).status.code, 303)
        let adminPage = html(try cw.call(.get, "/console/admin", cookie: admin.cookie))
        XCTAssertTrue(adminPage.contains("待确认"), "the admin sees the change waiting")
        XCTAssertEqual(try holders(try ordinaryReport()), ["head"], "meanwhile head2 receives nothing")

        for login in ["admin", "auditor", "inspector1"] {
            let s = login == "admin" ? admin : try cw.signIn(login)
            XCTAssertEqual(try cw.call(.get, "/console/confirmations", cookie: s.cookie).status.code, 404, login)
        }
        let change = try XCTUnwrap(try cw.ledger.pendingReaderChanges().first)
        XCTAssertEqual(try post(admin, "/console/confirmations/confirm", [("change", String(change.id))]).status.code, 404,
                       "the admin cannot confirm its own change")

        let head = try cw.signIn("head")
        let page = html(try cw.call(.get, "/console/confirmations", cookie: head.cookie))
        XCTAssertTrue(page.contains("head2") && page.contains("新增阅读人员") && page.contains("/console/confirmations/confirm"))
        XCTAssertTrue(html(try cw.call(.get, "/console/confirmations?lang=en", cookie: head.cookie)).contains("New reader"))
        let stale = try cw.call(.post, "/console/confirmations/confirm", cookie: head.cookie, form: [("change", String(change.id))])
        XCTAssertEqual(stale.status.code, 403, "CSRF like every form")
        XCTAssertEqual(try post(head, "/console/confirmations/confirm", [("change", String(change.id))]).status.code, 303)
        XCTAssertTrue(html(try cw.call(.get, "/console/confirmations", cookie: head.cookie)).contains("没有待确认的变更"))
        XCTAssertEqual(try holders(try ordinaryReport()), ["head", "head2"])
    }

    func testTheNewHeadCannotConfirmItselfAndTheAdminsResetWaitsForTheChairman() throws {
        let admin = try cw.signIn("admin")
        XCTAssertEqual(try post(admin, "/console/admin/reset", [("login", "head"), ("password", "the admin knows this")]).status.code, 303)
        XCTAssertTrue(html(try cw.call(.get, "/console/admin", cookie: admin.cookie)).contains("待确认"))
        XCTAssertFalse(try holders(try ordinaryReport()).contains("head"))
        let change = try XCTUnwrap(try cw.ledger.pendingReaderChanges().first { $0.kind == .reset })
        // The reset head signs in with the admin's password and tries to confirm its own reset.
        let head = try XCTUnwrap(try cw.ledger.account(login: "head"))
        let secret = try TOTP.generateSecret()
        try cw.ledger.enrollTOTP(accountID: head.id, secret: secret, actor: "test")
        cw.secrets["head"] = secret
        let clock = cw.clock
        clock.advance(30)
        let login = try cw.call(.post, "/console/login", form: [("login", "head"), ("password", "the admin knows this"),
                                                                ("totp", try TOTP.code(secret: secret, time: Date(timeIntervalSince1970: TimeInterval(clock.now.load(ordering: .relaxed)))))])
        let cookie = try XCTUnwrap(cookieValue(login.headers["Set-Cookie"], StaffSessions.cookieName))
        let inbox = html(try cw.call(.get, "/console/confirmations", cookie: cookie))
        XCTAssertTrue(inbox.contains("须由他人决定"), "its own change is not offered to it")
        let csrf = String(inbox[inbox.range(of: "name=\"csrf\" value=\"")!.upperBound...].prefix(64))
        let own = try cw.call(.post, "/console/confirmations/confirm", cookie: cookie, form: [("csrf", csrf), ("change", String(change.id))])
        XCTAssertEqual(own.status.code, 403)
        XCTAssertTrue(try XCTUnwrap(try cw.ledger.account(login: "head")).readingPending)

        let chairman = try cw.signIn("chairman")
        XCTAssertEqual(try post(chairman, "/console/confirmations/confirm", [("change", String(change.id))]).status.code, 303)
        XCTAssertTrue(try holders(try ordinaryReport()).contains("head"))
    }

    func testAnAlternatesChangeShowsAsAwaitingAndASeatHolderConfirmsIt() throws {
        let admin = try cw.signIn("admin")
        var json = try JSONSerialization.jsonObject(with: Data(try cw.ledger.settings.encodedJSON())) as! [String: Any]
        json["alternates"] = ["intake": "admin", "chairman": "supervisor", "party_secretary": "deputysecretary"]
        let mine = String(decoding: try JSONSerialization.data(withJSONObject: json), as: UTF8.self)
        let refused = try post(admin, "/console/admin/settings", [("settings", mine)])
        XCTAssertEqual(refused.status.code, 422)
        XCTAssertTrue(html(refused).contains("alternates.intake must be an inspector or an approver"))

        json["alternates"] = ["intake": "inspector1", "chairman": "supervisor", "party_secretary": "deputysecretary"]
        let text = String(decoding: try JSONSerialization.data(withJSONObject: json), as: UTF8.self)
        XCTAssertEqual(try post(admin, "/console/admin/settings", [("settings", text)]).status.code, 303)
        XCTAssertTrue(html(try cw.call(.get, "/console/admin/settings", cookie: admin.cookie)).contains("pending-alternates"))
        XCTAssertEqual(cw.ledger.settings.alternates.intake, "inspector2")

        let secretary = try cw.signIn("secretary")
        let change = try XCTUnwrap(try cw.ledger.pendingReaderChanges().first { $0.kind == .alternates })
        XCTAssertTrue(html(try cw.call(.get, "/console/confirmations", cookie: secretary.cookie)).contains("intake=inspector1"))
        XCTAssertEqual(try post(secretary, "/console/confirmations/confirm", [("change", String(change.id))]).status.code, 303)
        XCTAssertEqual(cw.ledger.settings.alternates.intake, "inspector1")
    }
}

/// The command line's side: `user add` waits once a reader exists, `init` writes the alternates,
/// `serve` refuses settings whose alternates will not do, and the demo configures them.
final class TwoPersonCommandTests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("cli2p-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try Data("correct horse battery staple\n".utf8).write(to: root.appendingPathComponent("pw"))
    }

    override func tearDownWithError() throws { try FileManager.default.removeItem(at: root) }

    var common: [String] { ["--data", root.appendingPathComponent("data").path, "--keys", root.appendingPathComponent("keys").path] }

    func ledger() throws -> Ledger {
        try Ledger(dataFolder: root.appendingPathComponent("data"), keys: try KeyFolder(url: root.appendingPathComponent("keys")),
                   settings: try CandorCLI.loadSettings(root.appendingPathComponent("data/settings.json")))
    }

    func testInitWritesTheAlternatesAndUserAddWaitsOnceAHeadExists() throws {
        let pw = root.appendingPathComponent("pw").path
        XCTAssertEqual(CandorCLI.main(["init", "--admin", "root", "--password-file", pw, "--recovery-key-out", root.appendingPathComponent("r.key").path,
                                       "--intake-alternate", "inspector2", "--chairman-alternate", "supervisor",
                                       "--party-secretary-alternate", "deputysecretary"] + common), 0)
        var l = try ledger()
        XCTAssertEqual(l.settings.alternates, Alternates(intake: "inspector2", chairman: "supervisor", partySecretary: "deputysecretary"))
        XCTAssertThrowsError(try CandorCLI.checkAlternates(l), "no such accounts yet: serve refuses") { error in
            XCTAssertTrue("\(error)".contains("refusing to start") && "\(error)".contains("alternates.intake"), "\(error)")
        }
        try l.close()
        XCTAssertEqual(CandorCLI.main(["user", "add", "head", "--name", "王建国", "--role", "head", "--password-file", pw] + common), 0)
        XCTAssertEqual(CandorCLI.main(["user", "add", "head2", "--name", "周强", "--role", "head", "--password-file", pw] + common), 0)
        l = try ledger()
        defer { try? l.close() }
        XCTAssertFalse(try XCTUnwrap(try l.account(login: "head")).readingPending, "the installer's first head: bootstrap")
        XCTAssertTrue(try XCTUnwrap(try l.account(login: "head2")).readingPending, "the second waits for the first")
    }

    func testTheDemoConfiguresAlternatesThatServeAccepts() throws {
        let data = root.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let (keys, _) = try KeyFolder.create(at: root.appendingPathComponent("keys"))
        var settings = Settings.default
        settings.alternates = DemoOrganisation.alternates
        let l = try Ledger(dataFolder: data, keys: keys, settings: settings, passwordParameters: World.fastParameters)
        defer { try? l.close() }
        try DemoOrganisation.build(l, accountsFile: data.appendingPathComponent("demo-accounts.json"))
        XCTAssertTrue(try l.accounts().allSatisfy { !$0.readingPending }, "the demo's head confirmed the others")
        XCTAssertNoThrow(try CandorCLI.checkAlternates(l))
        XCTAssertEqual(try l.account(login: "supervisor")?.seat, nil)
        XCTAssertEqual(try l.account(login: "supervisor")?.role, .approver)
    }
}
