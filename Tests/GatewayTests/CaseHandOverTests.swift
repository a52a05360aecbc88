@testable import Casefile
import Casework
@testable import ConsoleSite
import Foundation
import HTTPCore
import TestSupport
import Vault
import XCTest

/// Issue 17 on the case page: a report naming the chairman tells the head that the rules send it
/// one level up and offers the sealed hand-over first; the hand-over answers with the file, the
/// case records it, and every case page links its print views.
final class CaseHandOverTests: XCTestCase {
    let body = try! X25519PrivateKey()

    func world() throws -> ConsoleWorld {
        var settings = World.standardSettings
        settings.escalationRecipients = [EscalationRecipient(name: "集团纪委", publicKey: hex(body.publicKey.rawRepresentation), superior: true)]
        return try ConsoleWorld(settings: settings)
    }

    func testAReportAboutTheChairmanIsHandedOverFromTheCasePage() throws {
        let cw = try world()
        let receipt = try cw.submit(ReportDraft(category: "bribery", narrative: "HANDOVER-1", accused: [AccusedPerson(name: "赵敏", post: "董事长")]))
        let head = try cw.signIn("head")
        let page = html(try cw.call(.get, "/console/case/\(receipt.caseRef)?lang=zh", cookie: head.cookie))
        let escalation = try XCTUnwrap(page.range(of: "id=\"escalation\""))
        XCTAssertLessThan(escalation.lowerBound, try XCTUnwrap(page.range(of: "id=\"next-step\"")).lowerBound, "the hand-over comes first")
        XCTAssertTrue(page.contains("第十五条") && page.contains("赵敏") && page.contains("<option>集团纪委</option>"))

        let posted = try cw.call(.post, "/console/case/\(receipt.caseRef)/hand-over?lang=zh", cookie: head.cookie,
                                 form: [("csrf", head.csrf), ("recipient", "集团纪委")])
        XCTAssertEqual(posted.status.code, 200)
        XCTAssertEqual(posted.headers["Content-Type"], "application/octet-stream")
        XCTAssertTrue(posted.headers["Content-Disposition"]?.contains("attachment") == true)
        guard case .bytes(let file) = posted.body else { return XCTFail("the export file") }
        let digest = hex(try SHA256.hash(file))
        XCTAssertTrue(html(try cw.call(.get, "/console/case/\(receipt.caseRef)?lang=zh", cookie: head.cookie)).contains(digest),
                      "the case page shows the hand-over with the file's SHA-256")
        let refused = try cw.call(.post, "/console/case/\(receipt.caseRef)/hand-over?lang=zh", cookie: head.cookie,
                                  form: [("csrf", "stale"), ("recipient", "集团纪委")])
        XCTAssertEqual(refused.status.code, 403, "a stale form hands nothing over")
    }

    func testAnOrdinaryCaseOffersNoHandOverButItsPrintViews() throws {
        let cw = try world()
        let receipt = try cw.submit(ReportDraft(category: "bribery", narrative: "HANDOVER-2", accused: [AccusedPerson(name: "外部人员", post: "包工头")]))
        let head = try cw.signIn("head")
        let page = html(try cw.call(.get, "/console/case/\(receipt.caseRef)?lang=en", cookie: head.cookie))
        XCTAssertFalse(page.contains("id=\"escalation\""))
        for kind in ["register", "approval", "report", "reward"] {
            XCTAssertTrue(page.contains("/console/case/\(receipt.caseRef)/print/\(kind)?lang=en"), kind)
        }
    }
}
