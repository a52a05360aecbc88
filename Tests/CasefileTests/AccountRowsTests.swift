import Casework
import Foundation
import XCTest
@testable import Casefile
import TestSupport

final class AccountRowsTests: XCTestCase {
    var world: World!

    override func setUpWithError() throws {
        world = try World()
        try world.standardRoster()
    }

    override func tearDown() { world = nil }

    func testAnAccountReadsWhatWasStored() throws {
        let head = try XCTUnwrap(try world.ledger.account(login: "head"))
        XCTAssertEqual(head.role, .head)
        XCTAssertFalse(head.disabled)
        XCTAssertEqual(head.publicKey.count, 32)
        XCTAssertEqual(try world.ledger.account(id: head.id), head)
    }

    /// Before, a NULL role read as `auditor` and a NULL `disabled` as true: an account quietly
    /// became another one. Now the read fails and says where.
    func testANullRoleIsAnErrorNamingColumnAndTableNotAnAuditor() throws {
        try DamagedDatabase.loosen(world, table: "accounts", column: "role", declared: "TEXT",
                                   then: "UPDATE accounts SET role = NULL WHERE login = 'inspector1'")
        XCTAssertThrowsError(try world.ledger.account(login: "inspector1")) { error in
            XCTAssertTrue("\(error)".contains("column role of table accounts"), "\(error)")
        }
        XCTAssertThrowsError(try world.ledger.accounts(), "the roster does not skip nor default it")
        XCTAssertEqual(try world.ledger.account(login: "head")?.role, .head, "a sound row still reads")
    }

    func testAnUnknownRoleIsAnErrorNamingColumnAndTable() throws {
        try DamagedDatabase.loosen(world, table: "accounts", column: "role", declared: "TEXT",
                                   then: "UPDATE accounts SET role = 'superuser' WHERE login = 'inspector1'")
        XCTAssertThrowsError(try world.ledger.account(login: "inspector1")) { error in
            XCTAssertEqual("\(error)", "column role of table accounts holds a value that is not a Role")
        }
    }
}
