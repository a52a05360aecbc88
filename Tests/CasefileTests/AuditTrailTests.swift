import Foundation
import XCTest
@testable import Casefile
import TestSupport

final class AuditTrailTests: XCTestCase {
    func testAStaffEventIsCommittedChainedAndReadBackNewestFirst() throws {
        let t = Int64(1_800_000_000)
        let world = try World(clock: { t })
        try world.standardRoster()
        let head = try XCTUnwrap(try world.ledger.account(login: "head"))
        let before = try world.ledger.auditEntries(limit: 1000).count
        try world.ledger.recordStaffEvent(accountID: head.id, action: "access_denied", detail: "action=view_statistics")
        try world.ledger.recordStaffEvent(accountID: head.id, action: "logout")
        let entries = try world.ledger.auditEntries(limit: 1000)
        XCTAssertEqual(entries.count, before + 2)
        XCTAssertEqual(entries.prefix(2).map(\.action), ["logout", "access_denied"], "newest first")
        XCTAssertEqual(entries[1].actor, "staff:\(head.id)")
        XCTAssertEqual(entries[1].detail, "action=view_statistics")
        XCTAssertEqual(entries[0].at, t, "stamped by the ledger's clock")
        guard case .success(let count) = try world.ledger.verifyAudit() else { return XCTFail("the chain verifies") }
        XCTAssertEqual(count, entries.count)
        let older = try world.ledger.auditEntries(limit: 1, before: entries[0].id)
        XCTAssertEqual(older.map(\.id), [entries[1].id], "a page before an entry starts just below it")
    }
}
