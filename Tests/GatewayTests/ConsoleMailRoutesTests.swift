@testable import Casefile
import Casework
@testable import ConsoleSite
import Foundation
@testable import Gateway
import HTTPCore
@testable import ReporterSite
@testable import SiteKit
import TestSupport
import XCTest

/// `/console/admin/mail`: the admin sees the queue; nobody else sees that it exists.
final class ConsoleMailRoutesTests: XCTestCase {
    func testTheAdminSeesSentAndFailedNoticesAndOthersGet404() throws {
        let sink = try SMTPSink(.init(refuseRecipient: "head@corp.example"))
        defer { sink.stop() }
        let cw = try ConsoleWorld(settings: notifyingSettings(port: sink.port))
        try cw.ledger.giveAddresses(everyone)
        let receipt = try cw.submit(ReportDraft(category: "bribery", narrative: "MARK-ADMIN-PAGE"))
        try cw.ledger.deliverDueNotices(transport: sinkTransport(sink.port))
        try cw.ledger.setNotification(login: "head", email: "wang@corp.example", notify: .immediate, actor: "test")
        _ = try cw.submit(ReportDraft(category: "bribery", narrative: "x"))
        try cw.ledger.deliverDueNotices(transport: sinkTransport(sink.port))

        let admin = try cw.signIn("admin")
        let en = try cw.call(.get, "/console/admin/mail?lang=en", cookie: admin.cookie)
        XCTAssertEqual(en.status.code, 200)
        let page = html(en)
        XCTAssertTrue(page.contains("<td>head</td><td>immediate</td><td>failed</td><td>1</td><td>recipient refused: 550 5.1.1 mailbox unavailable</td>"), page)
        XCTAssertTrue(page.contains("<td>head</td><td>immediate</td><td>sent</td><td>1</td><td></td>"))
        for absent in ["MARK-ADMIN-PAGE", receipt.caseRef, receipt.registerNumber.description] { XCTAssertFalse(page.contains(absent)) }
        let zh = html(try cw.call(.get, "/console/admin/mail", cookie: admin.cookie))
        XCTAssertTrue(zh.contains("已发送") && zh.contains("失败") && zh.contains("提醒邮件"))

        for login in ["head", "chairman", "inspector1", "auditor"] {
            let s = try cw.signIn(login)
            XCTAssertEqual(try cw.call(.get, "/console/admin/mail", cookie: s.cookie).status.code, 404, login)
        }
        XCTAssertNotEqual(try cw.call(.get, "/console/admin/mail").status.code, 200)
    }

    func testTheInboxLinksTheAdminToThePage() throws {
        let cw = try ConsoleWorld()
        let admin = try cw.signIn("admin")
        XCTAssertTrue(html(try cw.call(.get, "/console", cookie: admin.cookie)).contains("/console/admin/mail?lang=zh"))
        XCTAssertTrue(html(try cw.call(.get, "/console/admin/mail", cookie: admin.cookie)).contains("none"), "transport shown as none")
    }

    func testLocalTime() {
        XCTAssertEqual(ConsoleMailRoutes.localTime(1_795_000_000, offsetSeconds: 8 * 3600), "2026-11-18 19:06")
    }
}
