import Casework
import Foundation
import XCTest
@testable import Casefile
import SQLiteDB
import TestSupport

final class DueDaysTests: XCTestCase {
    func storedDue(_ world: World, _ ref: String) throws -> Int64? {
        try world.ledger.pool.read { db in
            try db.queryOne("SELECT next_due_day FROM cases WHERE ref = ?", [.text(ref)])?.reader(table: "cases").optional("next_due_day", as: Int64.self)
        }
    }

    /// The stored day moves with the action that meets a deadline, in the same write.
    func testRegisteringMovesTheNextDueDayToTheNextDeadlineAndClosingClearsIt() throws {
        let world = try World()
        try world.standardRoster()
        let receipt = try world.submit(Samples.draft(1))
        let received = Int64(world.ledger.today.ordinal)
        XCTAssertEqual(try storedDue(world, receipt.caseRef), received + 7, "to be registered within seven days")
        let head = try XCTUnwrap(try world.ledger.account(login: "head"))
        guard case .success(let u) = try world.ledger.login("head", password: World.password, totpCode: ""),
              case .granted(let c) = try world.ledger.staffCase(ref: receipt.caseRef, accountID: head.id, key: u.key, action: .register) else {
            return XCTFail("the head holds it")
        }
        try world.ledger.register(c, category: nil, message: nil)
        let feedback = Int64(world.ledger.today.adding(months: 3).ordinal)
        XCTAssertEqual(try storedDue(world, receipt.caseRef), feedback, "registered: feedback is what falls due next")
    }

    /// A change of the deadline rules moves every case's stored day, without any case's key.
    func testChangingTheRulesRecomputesEveryCase() throws {
        let world = try World()
        try world.standardRoster()
        let receipt = try world.submit(Samples.draft(1))
        var settings = world.settings
        settings.deadlines.registerWithinDays = 3
        _ = try world.ledger.changeSettings(json: try settings.encodedJSON(), file: nil, actor: "test")
        XCTAssertEqual(try storedDue(world, receipt.caseRef), Int64(world.ledger.today.ordinal) + 3)
    }

    /// A database from before the column gets it filled by the first run after the migration.
    func testTheFirstOpenFillsTheColumnForCasesFromBefore() throws {
        let world = try World()
        try world.standardRoster()
        let receipt = try world.submit(Samples.draft(1))
        try world.ledger.pool.write { db in
            try db.execute("UPDATE cases SET next_due_day = NULL")
            try db.execute("DELETE FROM meta WHERE name = 'due_days_rules'")
        }
        try world.reopen()
        XCTAssertEqual(try storedDue(world, receipt.caseRef), Int64(world.ledger.today.ordinal) + 7)
    }
}
