@testable import Casefile
@testable import ConsoleSite
import Foundation
@testable import Gateway
@testable import ReporterSite
@testable import SiteKit
import TestSupport
import XCTest

final class AccountNotificationTests: XCTestCase {
    func testAddressIsCheckedAndTheAuditKeepsThePreferenceNotTheAddress() throws {
        let w = try World()
        try w.standardRoster()
        XCTAssertThrowsError(try w.ledger.setNotification(login: "head", email: "head@corp.example\r\nBcc: x@evil.example", notify: .immediate, actor: "test"))
        try w.ledger.setNotification(login: "head", email: "wang.jianguo@corp.example", notify: .digest, actor: "cli")
        let head = try XCTUnwrap(try w.ledger.account(login: "head"))
        XCTAssertEqual(head.email, "wang.jianguo@corp.example")
        XCTAssertEqual(head.notify, .digest)
        let entry = try XCTUnwrap(try w.ledger.pool.read { db in
            try db.queryOne("SELECT detail FROM audit_log WHERE action = 'account_notify'").flatMap { try $0.string("detail") }
        })
        XCTAssertEqual(entry, "account=\(head.id) notify=digest address=set")
        XCTAssertThrowsError(try w.ledger.setNotification(login: "nobody", email: nil, notify: .none, actor: "test"))
    }

    func testNewAccountsHaveNoAddress() throws {
        let w = try World()
        try w.standardRoster()
        XCTAssertTrue(try w.ledger.accounts().allSatisfy { $0.email == nil && $0.notify == .immediate })
    }
}
