import Casework
import Foundation
import Vault
import XCTest
@testable import Casefile
import TestSupport

final class CaseStatisticsTests: XCTestCase {
    /// Counted by SQLite, the figures are the ones `Statistics` computes case by case: months,
    /// tallies, medians and every deadline share, closed cases' stopped clocks included.
    func testTheFiguresCountedInSQLEqualTheOnesCountedCaseByCase() throws {
        let clock = TestClock()
        var settings = World.standardSettings
        settings.trackingCodeCost = TrackingCodeCost(logN: 10)
        let world = try World(settings: settings, clock: { clock.now.withLock { $0 } })
        try world.standardRoster()
        guard case .success(let head) = try world.ledger.login("head", password: World.password, totpCode: "") else {
            return XCTFail("the head signs in")
        }
        for n in 0..<24 {
            var draft = Samples.draft(n)
            if n % 3 == 0 { draft.mode = .realName; draft.identity = .init(name: "实名\(n)", phone: "13800000000", otherContact: "") }
            let receipt = try world.submit(draft)
            clock.advance(days: n % 5 * 4)
            guard n % 2 == 0, case .granted(let c) = try world.ledger.staffCase(ref: receipt.caseRef, accountID: head.account.id,
                                                                               key: head.key, action: .register) else { continue }
            try world.ledger.register(c, category: nil, message: n % 4 == 0 ? "已登记" : nil)
            clock.advance(days: 40)
            if n % 8 == 0, case .granted(let again) = try world.ledger.staffCase(ref: receipt.caseRef, accountID: head.account.id,
                                                                                 key: head.key, action: .markNotActionable) {
                try world.ledger.markNotActionable(again, message: "不属于受理范围")
            }
        }
        clock.advance(days: 30)
        let s = world.ledger.settings
        for heldBy in [nil, head.account.id] {
            let caseByCase = Statistics(try world.ledger.statisticsCases(year: nil, heldBy: heldBy), rules: s.deadlines,
                                        calendar: s.calendar, today: world.ledger.today)
            let counted = try world.ledger.statistics(year: nil, heldBy: heldBy)
            XCTAssertEqual(counted, caseByCase)
            XCTAssertGreaterThan(counted.deadlinesOverall.decided, 0, "the run has deadlines met, late and missed")
        }
        let empty = try world.ledger.statistics(year: 1999)
        XCTAssertEqual(empty.total, 0)
        XCTAssertEqual(empty, Statistics([], rules: s.deadlines, calendar: s.calendar, today: world.ledger.today))
    }
}
