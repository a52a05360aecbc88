import Casework
import Foundation
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

    func damage(_ column: String, declared: String, ref: String) throws {
        try DamagedDatabase.loosen(world, table: "cases", column: column, declared: declared,
                                   then: "UPDATE cases SET \(column) = NULL WHERE ref = ?", [.text(ref)])
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
