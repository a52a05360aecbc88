import XCTest
@testable import Casework

final class RetentionTests: XCTestCase {
    func testPurgeDay() {
        let rules = RetentionRules(closedMonths: 24, unsubstantiatedMonths: 12)
        let closedOn = Day("2026-03-31")!
        XCTAssertEqual(rules.purgeDay(state: .closed, outcome: .substantiated, closedOn: closedOn, legalHold: false), Day("2028-03-31"))
        XCTAssertEqual(rules.purgeDay(state: .closed, outcome: .unsubstantiated, closedOn: closedOn, legalHold: false), Day("2027-03-31"))
        XCTAssertEqual(rules.purgeDay(state: .notActionable, outcome: nil, closedOn: closedOn, legalHold: false), Day("2027-03-31"))
    }

    func testOpenOrHeldIsNeverPurged() {
        let rules = RetentionRules()
        XCTAssertNil(rules.purgeDay(state: .investigating, outcome: nil, closedOn: Day("2020-01-01"), legalHold: false))
        XCTAssertNil(rules.purgeDay(state: .concluded, outcome: .substantiated, closedOn: Day("2020-01-01"), legalHold: false))
        XCTAssertNil(rules.purgeDay(state: .closed, outcome: .substantiated, closedOn: Day("2020-01-01"), legalHold: true))
        XCTAssertNil(rules.purgeDay(state: .closed, outcome: .substantiated, closedOn: nil, legalHold: false))
    }
}
