import XCTest
@testable import Casework

final class DeadlinesTests: XCTestCase {
    let received = Day("2026-11-02")! // a Monday

    func evaluate(_ facts: DeadlineFacts, today: Day) -> [DeadlineKind: DeadlineStatus] {
        Dictionary(uniqueKeysWithValues: DeadlineClock.evaluate(facts, rules: DeadlineRules(), calendar: WorkingCalendar(), today: today).map { ($0.kind, $0) })
    }

    func testDueDatesFromDefaults() {
        let s = evaluate(DeadlineFacts(receivedOn: received, realName: true), today: received)
        XCTAssertEqual(s[.register]?.due, Day("2026-11-09"))
        XCTAssertEqual(s[.acceptanceNotice]?.due, Day("2026-11-23"))
        XCTAssertEqual(s[.feedback]?.due, Day("2027-02-02"))
        XCTAssertEqual(s[.register]?.state, .pending)
    }

    func testAnonymousHasNoAcceptanceNotice() {
        XCTAssertNil(evaluate(DeadlineFacts(receivedOn: received, realName: false), today: received)[.acceptanceNotice])
    }

    func testDueSoonOverdueMetAndLate() {
        let facts = DeadlineFacts(receivedOn: received, realName: false)
        XCTAssertEqual(evaluate(facts, today: Day("2026-11-07")!)[.register]?.state, .dueSoon)
        XCTAssertEqual(evaluate(facts, today: Day("2026-11-09")!)[.register]?.state, .dueSoon)
        XCTAssertEqual(evaluate(facts, today: Day("2026-11-10")!)[.register]?.state, .overdue)
        var met = facts
        met.registeredOn = Day("2026-11-09")
        XCTAssertEqual(evaluate(met, today: Day("2026-12-01")!)[.register]?.state, .met)
        met.registeredOn = Day("2026-11-10")
        XCTAssertEqual(evaluate(met, today: Day("2026-12-01")!)[.register]?.state, .metLate)
    }
}
