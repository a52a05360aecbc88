@testable import Casefile
import Casework
@testable import ConsoleSite
import Foundation
@testable import Gateway
import HTTPCore
import Presentation
import SQLiteDB
@testable import SiteKit
import TestSupport
import Vault
import XCTest

/// Issue 13, finding 4: the accused can tell. An excluded head or leader looks at everything it
/// may see (its inbox, register numbers, statistics, the audit log through the auditor) for the
/// case that is kept from it; none of it may say which account was excluded from which case.
final class AccusedCannotTellTests: XCTestCase {
    var cw: ConsoleWorld!

    override func setUpWithError() throws {
        var settings = Settings.default
        settings.alternates = NoReportUnreadTests.alternates
        cw = try ConsoleWorld(settings: settings)
        for (login, name) in [("vice", "孙副"), ("vice2", "周副")] {
            let vice = try cw.world.account(login, name, .approver)
            let secret = try TOTP.generateSecret()
            try cw.ledger.enrollTOTP(accountID: vice.id, secret: secret, actor: "test")
            cw.secrets[login] = secret
        }
    }

    override func tearDown() { cw = nil }

    func report(_ n: Int, accused: AccusedPerson = AccusedPerson(name: "外部人员", post: "包工头")) throws -> Receipt {
        try cw.submit(ReportDraft(category: "bribery", narrative: "CASE-\(n)", accused: [accused]))
    }

    /// (action, detail) of every audit entry about `ref`, in order.
    func auditLines(_ ref: String) throws -> [String] {
        try cw.ledger.pool.read { db in
            try db.query("SELECT action, detail FROM audit_log WHERE case_ref = ? ORDER BY id", [.text(ref)]).map {
                "\(try $0.required(String.self, "action", table: "audit_log")) \(try $0.required(String.self, "detail", table: "audit_log"))"
            }
        }
    }

    func id(_ login: String) throws -> Int64 { try XCTUnwrap(try cw.ledger.account(login: login)).id }

    /// The register numbers a signed-in account sees on its inbox.
    func registerNumbers(_ login: String) throws -> [RegisterNumber] {
        let page = html(try cw.call(.get, "/console?lang=en", cookie: try cw.signIn(login).cookie))
        var out: Set<RegisterNumber> = []
        var rest = page[...]
        while let r = rest.range(of: "JB-") {
            let word = String(rest[r.lowerBound...].prefix(14))
            if let n = RegisterNumber(word) { out.insert(n) }
            rest = rest[r.upperBound...]
        }
        return out.sorted()
    }

    /// A head refuses to designate an excluded inspector, then to re-grant her: the audit log
    /// keeps that a refusal happened, never whom it concerned or why, beside the case.
    func testRefusedDesignationsAndRegrantsNameNoAccountBesideTheCase() throws {
        let receipt = try report(1, accused: AccusedPerson(name: "李娜", post: "调查人员"))
        let ref = receipt.caseRef
        let head = try cw.signIn("head")
        XCTAssertEqual(try cw.act(head, ref, "register").status.code, 303)
        XCTAssertEqual(try cw.act(head, ref, "propose", [("text", "摘要")]).status.code, 303)
        XCTAssertEqual(try cw.act(try cw.signIn("chairman"), ref, "approve").status.code, 303)
        XCTAssertEqual(try cw.act(try cw.signIn("secretary"), ref, "approve").status.code, 303)
        let inspector = try String(id("inspector1"))
        XCTAssertEqual(try cw.act(head, ref, "designate", [("inspector", inspector)]).status.code, 422)
        XCTAssertEqual(try cw.act(head, ref, "regrant", [("account", inspector)]).status.code, 422)
        let refusals = try auditLines(ref).filter { $0.contains("refused") }
        XCTAssertEqual(refusals.count, 2, "the refusals are still kept")
        for line in refusals {
            XCTAssertFalse(line.contains("account=") || line.contains(inspector) || line.contains("excluded"), line)
        }
    }

    /// The chairman is accused in one case, not in another: the grant the alternate gets and the
    /// one the chairman gets leave the same audit line; a report kept from the head leaves the
    /// same intake trail as any other.
    func testTheAuditTrailOfACaseKeptFromSomeoneIsTheUsualOne() throws {
        let usual = try report(1)
        let keptFromChairman = try report(2, accused: AccusedPerson(name: "赵敏", post: "董事长"))
        let keptFromHead = try report(3, accused: AccusedPerson(name: "王建国", post: "纪检监察部负责人"))
        let head = try cw.signIn("head")
        for receipt in [usual, keptFromChairman] {
            XCTAssertEqual(try cw.act(head, receipt.caseRef, "register").status.code, 303)
            XCTAssertEqual(try cw.act(head, receipt.caseRef, "propose", [("text", "摘要")]).status.code, 303)
        }
        XCTAssertEqual(try auditLines(keptFromChairman.caseRef), try auditLines(usual.caseRef))
        XCTAssertEqual(try auditLines(keptFromHead.caseRef), [], "intake by the alternate is not flagged")
        XCTAssertEqual(try auditLines(keptFromHead.caseRef), try auditLines(try report(4).caseRef))
    }

    /// Three reports, the middle one naming the head: the head's register numbers show no gap,
    /// because they are not the arrival sequence.
    func testRegisterNumbersInAnExcludedHeadsInboxShowNoGap() throws {
        let receipts = [try report(1), try report(2, accused: AccusedPerson(name: "王建国", post: "纪检监察部负责人")), try report(3)]
        let all = receipts.map(\.registerNumber)
        XCTAssertEqual(Set(all).count, 3, "unique")
        XCTAssertNotEqual(all.map(\.sequence), [1, 2, 3], "not the arrival sequence")
        XCTAssertTrue(all.allSatisfy { (1...999_999).contains($0.sequence) && $0.description.count == 14 })
        let seen = try registerNumbers("head")
        XCTAssertEqual(Set(seen), [all[0], all[2]])
        XCTAssertNotEqual(seen.map(\.sequence), [1, 3], "a gap would show the case that excludes him")
    }

    /// The head and the chairman count only the cases they hold (so total minus inbox is zero);
    /// internal audit counts every case, and each page says which.
    func testStatisticsCountOnlyTheCasesAnExcludableAccountHolds() throws {
        _ = try report(1)
        _ = try report(2, accused: AccusedPerson(name: "王建国", post: "纪检监察部负责人"))
        _ = try report(3)
        let library = try TemplateLibrary(directory: templatesFolder)
        let head = html(try cw.call(.get, "/console/stats?lang=en", cookie: try cw.signIn("head").cookie))
        XCTAssertTrue(head.contains("<strong>2</strong>"), "the head holds two of the three")
        XCTAssertTrue(head.contains(HTMLEscape.escape(library.text("stats_scope_held", .en))))
        let chairman = html(try cw.call(.get, "/console/stats.csv?lang=en", cookie: try cw.signIn("chairman").cookie))
        let total = chairman.split(whereSeparator: \.isNewline).first { $0.hasPrefix("total,") }
        XCTAssertEqual(total?.split(separator: ",").last, "0", "the chairman holds none of them yet")
        let auditor = html(try cw.call(.get, "/console/stats?lang=en", cookie: try cw.signIn("auditor").cookie))
        XCTAssertTrue(auditor.contains("<strong>3</strong>"))
        XCTAssertTrue(auditor.contains(HTMLEscape.escape(library.text("stats_scope_all", .en))))
    }
}
