@testable import Casefile
import Casework
@testable import Commands
@testable import ConsoleSite
import Foundation
@testable import Gateway
import HTTPCore
import Presentation
@testable import ReporterSite
import SQLiteDB
@testable import SiteKit
import TestSupport
import Vault
import XCTest

/// Issue 13, finding 2: a report nobody can read. Every test is an attack or a failure a reporter
/// or a leader walks into; each goes through the router (or the CLI) as they would.
final class NoReportUnreadTests: XCTestCase {
    var cw: ConsoleWorld!

    override func tearDown() { cw = nil }

    /// Every alternate configured, as settings require: `inspector2` for intake, `vice` and
    /// `vice2` (approvers in no seat) for the seats. A test that needs an alternate out of the
    /// way excludes it, as a reporter or an accusation would.
    static let alternates = Alternates(intake: "inspector2", chairman: "vice", partySecretary: "vice2")

    /// The standard roster plus `vice` and `vice2`, enrolled like the others.
    func world(_ alternates: Alternates = NoReportUnreadTests.alternates) throws -> ConsoleWorld {
        var settings = Settings.default
        settings.alternates = alternates
        let cw = try ConsoleWorld(settings: settings)
        for (login, name) in [("vice", "孙副"), ("vice2", "周副")] {
            let vice = try cw.world.account(login, name, .approver)
            let secret = try TOTP.generateSecret()
            try cw.ledger.enrollTOTP(accountID: vice.id, secret: secret, actor: "test")
            cw.secrets[login] = secret
        }
        self.cw = cw
        return cw
    }

    func id(_ login: String) throws -> Int64 { try XCTUnwrap(try cw.ledger.account(login: login)).id }

    func report(_ fields: [(String, String)], lang: String) throws -> Response {
        var form = MultipartBody()
        for (n, v) in [("category", "bribery"), ("narrative", "NARRATIVE-UNREAD 收受红包"), ("mode", "anonymous")] + fields {
            form.field(n, v)
        }
        return try cw.call(.post, "/report?lang=\(lang)", multipart: form)
    }

    func scalar(_ sql: String, _ bindings: [SQLValue] = []) throws -> Int {
        try cw.ledger.pool.read { db in try db.scalar(sql, bindings, as: Int.self) ?? 0 }
    }

    /// A catalog text as a page shows it (HTML-escaped).
    func text(_ key: String, _ language: Language) throws -> String {
        HTMLEscape.escape(try TemplateLibrary(directory: templatesFolder).text(key, language))
    }

    /// Who holds the case in `capacity`, by login.
    func holders(_ capacity: String) throws -> Set<String> {
        Set(try cw.ledger.pool.read { db in
            try db.query("SELECT a.login FROM assignments s JOIN accounts a ON a.id = s.account_id WHERE s.capacity = ?", [.text(capacity)])
                .map { try $0.required(String.self, "login", table: "accounts") }
        })
    }

    // MARK: the report form

    /// A reporter ticks the head: before anything is stored the form comes back filled in, saying
    /// in English that the intake alternate receives it, with a box to confirm; confirmed, the
    /// alternate holds the case and the head does not.
    func testExcludingTheHeadIsToldBeforeSendingAndTheAlternateReceivesIt() throws {
        _ = try world()
        let head = try String(id("head"))
        XCTAssertTrue(html(try cw.call(.get, "/report?lang=en")).contains(try text("hint_excluded_route", .en)), "said before the first submit")
        let first = try report([("exclude", head)], lang: "en")
        let page = html(first)
        XCTAssertTrue(page.contains(try text("route_alternate", .en)), "the notice, in the reporter's language")
        XCTAssertTrue(page.contains("name=\"route_confirmed\""), "a box to confirm")
        XCTAssertTrue(page.contains("NARRATIVE-UNREAD"), "filled in")
        XCTAssertTrue(page.contains("name=\"exclude\" value=\"\(head)\" checked"), "the pick kept")
        XCTAssertFalse(page.contains("inspector2"), "the notice names no account")
        XCTAssertEqual(try scalar("SELECT count(*) FROM cases"), 0, "nothing stored before the reporter confirms")

        let sent = try report([("exclude", head), ("route_confirmed", "1")], lang: "en")
        XCTAssertNotNil(trackingCode(in: html(sent)), "a receipt once confirmed")
        XCTAssertEqual(try holders("intake"), ["inspector2"])
        XCTAssertEqual(try scalar("SELECT count(*) FROM grants WHERE holder = ?", [.text("account:\(try id("head"))")]), 0)
    }

    /// The head and the intake alternate both kept away (the demo had no alternate at all): the
    /// leaders receive it, and the report moves on instead of staying "received" for ever,
    /// sealed for the recovery key alone.
    func testWithNoIntakeAlternateTheLeadersReceiveItAndCanActOnIt() throws {
        _ = try world()
        let picks = try ["head", "inspector2"].map { ("exclude", try String(id($0))) }
        let first = try report(picks, lang: "zh")
        XCTAssertTrue(html(first).contains(try text("route_leaders", .zh)))
        XCTAssertEqual(try scalar("SELECT count(*) FROM cases"), 0)
        _ = try report(picks + [("route_confirmed", "1")], lang: "zh")
        XCTAssertEqual(try holders("intake"), ["chairman", "secretary"])
        XCTAssertEqual(try scalar("SELECT count(*) FROM audit_log WHERE action = 'intake_unfilled'"), 0)
        let ref = try cw.ledger.pool.read { db in try db.scalar("SELECT ref FROM cases", as: String.self) }
        let chairman = try cw.signIn("chairman")
        XCTAssertTrue(html(try cw.call(.get, "/console/case/\(try XCTUnwrap(ref))", cookie: chairman.cookie)).contains("NARRATIVE-UNREAD"))
        XCTAssertEqual(try cw.act(chairman, try XCTUnwrap(ref), "register").status.code, 303)
        // The leaders took it in; they still decide from their seats, both of them.
        XCTAssertEqual(try cw.act(chairman, try XCTUnwrap(ref), "propose", [("text", "摘要")]).status.code, 303)
        XCTAssertEqual(try cw.act(chairman, try XCTUnwrap(ref), "approve").status.code, 303)
        XCTAssertEqual(try cw.act(try cw.signIn("secretary"), try XCTUnwrap(ref), "approve").status.code, 303)
        XCTAssertEqual(try cw.ledger.pool.read { db in try db.scalar("SELECT state FROM cases", as: String.self) }, "investigating")
    }

    /// The reporter excludes every reader: told, the report is kept sealed, and the heads and
    /// leaders see a count (not which case) asking the operator to run `candor recover`.
    func testAReportNoOneMayReadIsCountedOnTheLeadersInbox() throws {
        _ = try world()
        let picks = try ["head", "inspector2", "chairman", "secretary", "vice", "vice2"].map { ("exclude", try String(id($0))) }
        XCTAssertTrue(html(try report(picks, lang: "en")).contains(try text("route_no_one", .en)))
        _ = try report(picks + [("route_confirmed", "1")], lang: "en")
        XCTAssertEqual(try scalar("SELECT count(*) FROM cases"), 1)
        for login in ["head", "chairman"] {
            let inbox = html(try cw.call(.get, "/console?lang=zh", cookie: try cw.signIn(login).cookie))
            XCTAssertTrue(inbox.contains("data-unheld=\"1\""), login)
            XCTAssertTrue(inbox.contains(try text("unheld_cases", .zh)), login)
        }
        XCTAssertFalse(html(try cw.call(.get, "/console", cookie: try cw.signIn("inspector1").cookie)).contains("data-unheld"))
    }

    // MARK: the seats

    /// The chairman and its alternate are both accused: no one may take the seat, and the
    /// refusal is in the reader's language and says what to do. The chairman alone accused: the
    /// seat passes to the alternate.
    func testAnExcludedChairmanWithoutAlternateIsRefusedInTheReadersLanguageThenPasses() throws {
        _ = try world()
        let receipt = try cw.submit(ReportDraft(category: "bribery", narrative: "SEAT", accused: [
            AccusedPerson(name: "赵敏", post: "董事长"), AccusedPerson(name: "孙副", post: "副总经理"),
        ]))
        let head = try cw.signIn("head")
        XCTAssertEqual(try cw.act(head, receipt.caseRef, "register").status.code, 303)
        let refused = try cw.call(.post, "/console/case/\(receipt.caseRef)/act/propose?lang=zh", cookie: head.cookie,
                                  form: [("csrf", head.csrf), ("text", "摘要")])
        XCTAssertEqual(refused.status.code, 422)
        XCTAssertTrue(html(refused).contains(try text("seat_unfilled_chairman", .zh)), "localised, says what to do")
        XCTAssertEqual(try holders("chairman"), [])

        let other = try cw.submit(ReportDraft(category: "bribery", narrative: "SEAT2", accused: [AccusedPerson(name: "赵敏", post: "董事长")]))
        XCTAssertEqual(try cw.act(head, other.caseRef, "register").status.code, 303)
        XCTAssertEqual(try cw.act(head, other.caseRef, "propose", [("text", "摘要")]).status.code, 303)
        XCTAssertEqual(try holders("chairman"), ["vice"])
    }

    /// One account configured as the alternate of both seats, and both leaders accused: it may
    /// sit in one seat only, so the proposal is refused (saying what to do) rather than handing
    /// one person both of art. 7's approvals, or a case that can never get its second.
    func testOneAccountNeverHoldsBothSeats() throws {
        _ = try world(Alternates(intake: "inspector2", chairman: "vice", partySecretary: "vice"))
        let receipt = try cw.submit(ReportDraft(category: "bribery", narrative: "BOTH", accused: [
            AccusedPerson(name: "赵敏", post: "董事长"), AccusedPerson(name: "钱伟", post: "党委书记"),
        ]))
        let head = try cw.signIn("head")
        XCTAssertEqual(try cw.act(head, receipt.caseRef, "register").status.code, 303)
        let refused = try cw.call(.post, "/console/case/\(receipt.caseRef)/act/propose?lang=en", cookie: head.cookie,
                                  form: [("csrf", head.csrf), ("text", "summary")])
        XCTAssertEqual(refused.status.code, 422)
        XCTAssertTrue(html(refused).contains(try text("seat_unfilled_party_secretary", .en)))
        XCTAssertEqual(try scalar("SELECT count(*) FROM assignments WHERE capacity IN ('chairman', 'party_secretary')"), 0)
        XCTAssertEqual(try scalar("SELECT count(*) FROM grants WHERE holder = ?", [.text("account:\(try id("vice"))")]), 0)
    }

    /// The chairman approves, then recuses: the approval is void and the seat passes to the
    /// alternate, who can open the case and decide; both approvals then move it on.
    func testARecusalVoidsTheApprovalAndPassesTheSeat() throws {
        _ = try world()
        let receipt = try cw.submit(ReportDraft(category: "bribery", narrative: "RECUSE", accused: [AccusedPerson(name: "外部人员", post: "包工头")]))
        let ref = receipt.caseRef
        let head = try cw.signIn("head")
        XCTAssertEqual(try cw.act(head, ref, "register").status.code, 303)
        XCTAssertEqual(try cw.act(head, ref, "propose", [("text", "摘要")]).status.code, 303)
        let chairman = try cw.signIn("chairman")
        XCTAssertEqual(try cw.act(chairman, ref, "approve").status.code, 303)
        XCTAssertEqual(try cw.act(chairman, ref, "recuse", [("text", "亲属关系")]).status.code, 303)
        let approvals = try cw.ledger.pool.read { db in try db.scalar("SELECT approvals FROM cases", as: String.self) }
        XCTAssertEqual(approvals, "", "the recused approval no longer counts")
        XCTAssertEqual(try holders("chairman"), ["vice"])

        let vice = try cw.signIn("vice")
        XCTAssertTrue(html(try cw.call(.get, "/console/case/\(ref)", cookie: vice.cookie)).contains("RECUSE"))
        XCTAssertEqual(try cw.act(vice, ref, "approve").status.code, 303)
        XCTAssertEqual(try cw.act(try cw.signIn("secretary"), ref, "approve").status.code, 303)
        let state = try cw.ledger.pool.read { db in try db.scalar("SELECT state FROM cases", as: String.self) }
        XCTAssertEqual(state, "investigating")
    }
}

/// `candor recover --unheld`: the operator gives a case no one may read to a reader the reporter
/// did not exclude; never to an excluded account, audited.
final class RecoverUnheldCommandTests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("unheld-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try Data("correct horse battery staple\n".utf8).write(to: path("pw"))
    }

    override func tearDownWithError() throws { try FileManager.default.removeItem(at: root) }

    func path(_ name: String) -> URL { root.appendingPathComponent(name) }
    var common: [String] { ["--data", path("data").path, "--keys", path("keys").path] }
    func ledger() throws -> Ledger { try Ledger(dataFolder: path("data"), keys: try KeyFolder(url: path("keys")), settings: .default) }

    func testAnUnheldCaseIsGivenToAReaderNotExcluded() throws {
        XCTAssertEqual(CandorCLI.main(["init", "--admin", "root", "--password-file", path("pw").path,
                                       "--recovery-key-out", path("recovery.key").path] + common), 0)
        for (login, role) in [("head", "head"), ("insp", "inspector")] {
            XCTAssertEqual(CandorCLI.main(["user", "add", login, "--name", login, "--role", role, "--password-file", path("pw").path] + common), 0)
        }
        var l = try ledger()
        let headID = try XCTUnwrap(try l.account(login: "head")).id
        // The inspector made after the first head waits for a second reader (two-person rule).
        let inspID = try XCTUnwrap(try l.account(login: "insp")).id
        for change in try l.pendingReaderChanges() where change.accountID == inspID {
            try l.confirmReaderChange(change.id, by: headID, settingsFile: nil)
        }
        let ref = try l.submit(ReportDraft(category: "bribery", narrative: "UNHELD", accused: [AccusedPerson(name: "外部人员", post: "包工头")],
                                           excludedHandlers: [headID]), staging: try l.beginIntake()).caseRef
        XCTAssertEqual(try l.pool.read { db in try db.scalar("SELECT count(*) FROM assignments", as: Int.self) }, 0, "no reader left")
        try l.close()

        let recover = ["recover", "--recovery-key", path("recovery.key").path, "--unheld"]
        XCTAssertEqual(CandorCLI.main(recover + ["--to", "head"] + common), 0)
        XCTAssertEqual(CandorCLI.main(recover + ["--to", "root"] + common), 0)
        l = try ledger()
        XCTAssertEqual(try l.pool.read { db in try db.scalar("SELECT count(*) FROM grants WHERE holder LIKE 'account:%'", as: Int.self) }, 0,
                       "never the excluded head, never the admin")
        try l.close()

        XCTAssertEqual(CandorCLI.main(recover + ["--to", "insp"] + common), 0)
        l = try ledger()
        defer { try? l.close() }
        guard case .success(let unlock) = try l.login("insp", password: "correct horse battery staple", totpCode: "") else {
            return XCTFail("insp signs in")
        }
        guard case .granted(let c) = try l.staffCase(ref: ref, accountID: unlock.account.id, key: unlock.key, action: .register) else {
            return XCTFail("insp holds the case for intake")
        }
        XCTAssertEqual(c.capacities, ["intake"])
        XCTAssertEqual(try l.pool.read { db in try db.scalar("SELECT count(*) FROM audit_log WHERE action = 'recovery_intake'", as: Int.self) }, 1)
    }
}
