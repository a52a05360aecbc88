import Casework
import Foundation
import SQLiteDB
import Vault
import XCTest
@testable import Casefile
import TestSupport

/// A database damaged by hand (a NOT NULL dropped from the schema, then a NULL written) must make
/// every read of the case fail loudly, naming the column and the table, instead of showing the
/// case as "submitted" with register number 0.
final class CaseRowTests: XCTestCase {
    var world: World!

    override func setUpWithError() throws {
        world = try World()
        try world.standardRoster()
    }

    override func tearDown() { world = nil }

    /// Closes the ledger, rebuilds `cases` through the test's own connection without the NOT
    /// NULL on `column` (SQLite's documented table rebuild), writes NULL into it for `ref`, and
    /// opens the ledger again.
    func damage(_ column: String, declared: String, ref: String) throws {
        try world.ledger.close()
        let db = try Database(path: world.dataFolder.appendingPathComponent(Ledger.databaseName).path)
        let create = try XCTUnwrap(try db.scalar("SELECT sql FROM sqlite_schema WHERE name = 'cases'", as: String.self))
        let loosened = create.replacingOccurrences(of: "CREATE TABLE cases(", with: "CREATE TABLE cases_damaged(")
            .replacingOccurrences(of: "\(column) \(declared) NOT NULL,", with: "\(column) \(declared),")
        XCTAssertNotEqual(loosened, create.replacingOccurrences(of: "CREATE TABLE cases(", with: "CREATE TABLE cases_damaged("))
        try db.execute("PRAGMA foreign_keys = OFF")
        try db.execute("PRAGMA legacy_alter_table = ON")
        try db.execute("BEGIN")
        try db.execute(loosened)
        try db.execute("INSERT INTO cases_damaged SELECT * FROM cases")
        try db.execute("DROP TABLE cases")
        try db.execute("ALTER TABLE cases_damaged RENAME TO cases")
        try db.execute("UPDATE cases SET \(column) = NULL WHERE ref = ?", [.text(ref)])
        XCTAssertEqual(db.changes, 1, "the damage was written")
        try db.execute("COMMIT")
        try db.close()
        try world.reopen()
    }

    func assertNamesStateOfCases(_ expression: @autoclosure () throws -> some Any, _ what: String, line: UInt = #line) {
        XCTAssertThrowsError(try expression(), what, line: line) { error in
            XCTAssertTrue("\(error)".contains("column state of table cases"), "\(what): \(error)", line: line)
        }
    }

    func testANullStateMakesEveryReadOfTheCaseThrowNamingColumnAndTable() throws {
        let receipt = try world.submit(ReportDraft(category: "bribery", narrative: "DAMAGED-ROW", accused: []))
        guard case .success(let head) = try world.ledger.login("head", password: World.password, totpCode: "") else {
            return XCTFail("the head logs in")
        }
        XCTAssertEqual(try world.ledger.inbox(accountID: head.account.id).count, 1, "read while sound")
        try damage("state", declared: "TEXT", ref: receipt.caseRef)
        assertNamesStateOfCases(try world.ledger.inbox(accountID: head.account.id), "the inbox")
        assertNamesStateOfCases(try world.ledger.staffCase(ref: receipt.caseRef, accountID: head.account.id, key: head.key, action: .view),
                                "opening the case")
        assertNamesStateOfCases(try world.ledger.statisticsCases(year: nil), "the statistics")
    }

    func testANullRegisterNumberIsNotReadAsZero() throws {
        let receipt = try world.submit(ReportDraft(category: "bribery", narrative: "DAMAGED-NUMBER", accused: []))
        try damage("register_seq", declared: "INTEGER", ref: receipt.caseRef)
        XCTAssertThrowsError(try world.ledger.statisticsCases(year: nil)) { error in
            XCTAssertTrue("\(error)".contains("column register_seq of table cases"), "\(error)")
        }
    }
}
