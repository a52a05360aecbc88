import Casework
import Foundation
import SQLiteDB
import Vault
import XCTest
@testable import Casefile
import TestSupport

final class PasswordResetTests: XCTestCase {
    var world: World!

    override func setUpWithError() throws {
        world = try World()
        try world.standardRoster()
    }

    override func tearDown() { world = nil }

    func realNameCase() throws -> Receipt {
        var draft = ReportDraft(category: "bribery", narrative: "RESET-NARRATIVE", accused: [AccusedPerson(name: "外部人员", post: "包工头")])
        draft.mode = .realName
        draft.identity = .init(name: "实名举报人", phone: "13900001111", otherContact: "")
        return try world.submit(draft)
    }

    func count(_ sql: String, _ values: [SQLValue]) throws -> Int {
        try world.ledger.pool.read { db in try db.scalar(sql, values, as: Int.self) ?? 0 }
    }

    func testResetDropsTheOldKeysGrantsAndReturnsTheCasesLost() throws {
        let first = try realNameCase(), second = try realNameCase()
        let head = try XCTUnwrap(try world.ledger.account(login: "head"))
        let oldKey = try XCTUnwrap(try world.ledger.unlockKey(accountID: head.id, password: World.password))
        XCTAssertEqual(try count("SELECT count(*) FROM identity_grants WHERE holder = ?", [.text("account:\(head.id)")]), 2)

        let lost = try world.ledger.resetPassword(login: "head", newPassword: "a quite different passphrase", actor: "test")

        XCTAssertEqual(Set(lost), [first.caseRef, second.caseRef])
        XCTAssertEqual(try count("SELECT count(*) FROM grants WHERE holder = ?", [.text("account:\(head.id)")]), 0)
        XCTAssertEqual(try count("SELECT count(*) FROM identity_grants WHERE holder = ?", [.text("account:\(head.id)")]), 0)
        XCTAssertEqual(try count("SELECT count(*) FROM assignments WHERE account_id = ?", [.integer(head.id)]), 2,
                       "the assignment stays, so that a re-grant or recovery can restore access")
        let after = try XCTUnwrap(try world.ledger.account(login: "head"))
        XCTAssertNotEqual(after.publicKey, head.publicKey, "a new key pair")
        XCTAssertNil(try world.ledger.unlockKey(accountID: head.id, password: World.password), "the old password no longer works")
        let newKey = try XCTUnwrap(try world.ledger.unlockKey(accountID: head.id, password: "a quite different passphrase"))
        // Neither the old key (its grants are gone) nor the new one (never sealed for) opens the case.
        for key in [oldKey, newKey] {
            guard case .notFound = try world.ledger.staffCase(ref: first.caseRef, accountID: head.id, key: key, action: .view) else {
                return XCTFail("the case must be closed to the account after the reset")
            }
        }
        let detail = try world.ledger.pool.read { db in
            try db.scalar("SELECT detail FROM audit_log WHERE action = 'password_reset'", as: String.self)
        }
        XCTAssertEqual(detail, "account=\(head.id) cases_lost=2")
    }

    func testResetClearsTOTPAndLockOut() throws {
        let inspector = try XCTUnwrap(try world.ledger.account(login: "inspector1"))
        try world.ledger.enrollTOTP(accountID: inspector.id, secret: try TOTP.generateSecret(), actor: "test")
        for _ in 0..<8 { _ = try world.ledger.login("inspector1", password: "wrong password here", totpCode: "000000") }
        guard case .failure(.locked) = try world.ledger.login("inspector1", password: World.password, totpCode: "") else {
            return XCTFail("the account should be locked out first")
        }
        XCTAssertEqual(try world.ledger.resetPassword(login: "inspector1", newPassword: "another long passphrase", actor: "test"), [])
        XCTAssertFalse(try XCTUnwrap(try world.ledger.account(login: "inspector1")).totpEnrolled)
        guard case .success(let unlock) = try world.ledger.login("inspector1", password: "another long passphrase", totpCode: "") else {
            return XCTFail("the new password signs in at once: the lock-out is cleared")
        }
        XCTAssertFalse(unlock.totpEnrolled, "TOTP must be enrolled again: the old secret was sealed to the old key")
    }

    func testWeakPasswordAndUnknownLoginAreRefusedAndChangeNothing() throws {
        let before = try XCTUnwrap(try world.ledger.account(login: "head"))
        XCTAssertThrowsError(try world.ledger.resetPassword(login: "head", newPassword: "short", actor: "test")) { error in
            XCTAssertTrue("\(error)".contains("at least 12 characters"))
        }
        XCTAssertThrowsError(try world.ledger.resetPassword(login: "nobody", newPassword: "a quite different passphrase", actor: "test")) { error in
            XCTAssertTrue("\(error)".contains("no account with the login 'nobody'"))
        }
        XCTAssertEqual(try world.ledger.account(login: "head"), before)
    }

    func testNoticeSaysHowAccessComesBack() {
        let text = Ledger.lostAccessNotice(cases: 3)
        XCTAssertTrue(text.contains("access to 3 cases was lost"))
        XCTAssertTrue(text.contains("Re-grant access"))
        XCTAssertTrue(text.contains("candor recover"))
    }
}
