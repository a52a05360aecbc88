import Casework
import Foundation
import SQLiteDB
import Vault
import XCTest
@testable import Casefile
import TestSupport

/// The roster seal (issue 14: "a database writer can flip a flag"). Someone who can write to the
/// database but does not hold `Keys/` changes or inserts account rows, triggers dropped first, to
/// be given reports. Each row they touch fails its seal: it receives nothing, opens nothing, logs in
/// nowhere, and the administrator cannot make the change the ledger's own.
final class RosterSealTests: XCTestCase {
    var world: World!

    override func setUpWithError() throws {
        world = try World()
        try world.standardRoster()
    }

    override func tearDown() { world = nil }

    func attack(_ sql: String, _ arguments: [SQLValue] = []) throws {
        try world.ledger.pool.write { db in
            for name in try db.query("SELECT name FROM sqlite_master WHERE type = 'trigger'").map({ try $0.string("name")! }) {
                try db.execute("DROP TRIGGER \(name)")
            }
            try db.execute(sql, arguments)
        }
    }

    func grants(_ login: String) throws -> Int {
        let id = try XCTUnwrap(try world.ledger.account(login: login)).id
        return try world.ledger.pool.read { db in
            try db.scalar("SELECT count(*) FROM grants WHERE account_id = ?", [.integer(id)], as: Int.self) ?? -1
        }
    }

    func tamperingAudited() throws -> [String] {
        try world.ledger.pool.read { db in
            try db.query("SELECT detail FROM audit_log WHERE action = 'account_tampered' ORDER BY id").map { try $0.string("detail")! }
        }
    }

    func loginSucceeds(_ login: String) throws -> Bool {
        if case .success = try world.ledger.login(login, password: World.password, totpCode: "") { return true }
        return false
    }

    func testAnInspectorMadeHeadWithSQLReceivesNoReportAndCannotLogIn() throws {
        try attack("UPDATE accounts SET role = 'head' WHERE login = 'inspector2'")
        _ = try world.submit(ReportDraft(category: "bribery", narrative: "ROSTER-1", accused: []))
        XCTAssertEqual(try grants("inspector2"), 0, "intake passes the forged head by")
        XCTAssertEqual(try grants("head"), 1, "the real head receives the report")
        XCTAssertFalse(try loginSucceeds("inspector2"))
        let id = try XCTUnwrap(try world.ledger.account(login: "inspector2")).id
        XCTAssertEqual(try tamperingAudited(), ["account=\(id) refused=login"])
    }

    func testAnAccountRowInsertedWithSQLIsNoOnesReader() throws {
        // A copy of the head's row (its public key, its password hash) under another login.
        try attack("""
            INSERT INTO accounts(login, display_name, role, password_hash, public_key, private_key_enc, created_at, roster_mac)
            SELECT 'mallory', 'Mallory', 'head', password_hash, public_key, private_key_enc, created_at, roster_mac FROM accounts WHERE login = 'head'
            """)
        _ = try world.submit(ReportDraft(category: "bribery", narrative: "ROSTER-2", accused: []))
        XCTAssertEqual(try grants("mallory"), 0)
        XCTAssertFalse(try loginSucceeds("mallory"), "the head's copied seal names the head's id and login, not this row")
        XCTAssertTrue(try loginSucceeds("head"))
    }

    func testFlippingReadingPendingOpensNeitherNewNorOldCases() throws {
        let receipt = try world.submit(ReportDraft(category: "bribery", narrative: "ROSTER-3", accused: []))
        // The admin re-enables the head: it awaits a second reader, and opens nothing meanwhile.
        try world.ledger.setDisabled(login: "head", true, actor: "admin")
        try world.ledger.setDisabled(login: "head", false, actor: "admin")
        guard case .success(let unlock) = try world.ledger.login("head", password: World.password, totpCode: "") else {
            return XCTFail("a pending head may log in; it holds nothing")
        }
        try attack("UPDATE accounts SET reading_pending = 0 WHERE login = 'head'")
        // Its session, opened before the flip, opens nothing; a new login is refused.
        guard case .notFound = try world.ledger.staffCase(ref: receipt.caseRef, accountID: unlock.account.id, key: unlock.key, action: .view) else {
            return XCTFail("a flipped flag opens no case")
        }
        XCTAssertFalse(try loginSucceeds("head"))
        _ = try world.submit(ReportDraft(category: "bribery", narrative: "ROSTER-4", accused: []))
        XCTAssertEqual(try grants("head"), 1, "only the report from before; nothing new")
        XCTAssertEqual(try tamperingAudited(), ["account=\(unlock.account.id) refused=case", "account=\(unlock.account.id) refused=login"])
    }

    func testTheAdministratorCannotMakeAForgedRowTheLedgersOwn() throws {
        try attack("UPDATE accounts SET role = 'head' WHERE login = 'inspector2'")
        XCTAssertThrowsError(try world.ledger.setDisabled(login: "inspector2", true, actor: "admin")) {
            XCTAssertTrue("\($0)".contains("changed outside Candor"), "\($0)")
        }
        XCTAssertFalse(try world.ledger.account(login: "inspector2")!.rosterSealHolds)
    }

    func testTheLedgersOwnChangesKeepTheSeal() throws {
        try world.ledger.setDisabled(login: "inspector2", true, actor: "admin")
        try world.ledger.setDisabled(login: "inspector2", false, actor: "admin")
        let id = try XCTUnwrap(try world.ledger.account(login: "inspector2")).id
        try world.confirmPending(of: id)
        _ = try world.ledger.resetPassword(login: "inspector1", newPassword: World.password + "!", actor: "cli", commandLine: true)
        XCTAssertTrue(try world.ledger.accounts().allSatisfy(\.rosterSealHolds))
        XCTAssertEqual(try tamperingAudited(), [])
    }
}
