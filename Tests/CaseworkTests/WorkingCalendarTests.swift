import XCTest
@testable import Casework

final class WorkingCalendarTests: XCTestCase {
    func testWeekendsSkipped() {
        let cal = WorkingCalendar()
        let friday = Day("2026-11-27")!
        XCTAssertTrue(cal.isWorkingDay(friday))
        XCTAssertFalse(cal.isWorkingDay(friday.adding(days: 1)))
        XCTAssertEqual(cal.adding(workingDays: 1, to: friday), Day("2026-11-30"))
        XCTAssertEqual(cal.adding(workingDays: 15, to: Day("2026-11-29")!), Day("2026-12-18"))
    }

    func testHolidaysAndMakeUpDays() {
        // National Day 2026: Oct 1–7 off, Sunday Sep 27 and Saturday Oct 10 worked (调休).
        let holidays = Set((1...7).map { Day(year: 2026, month: 10, day: $0)! })
        let cal = WorkingCalendar(holidays: holidays, makeUpWorkdays: [Day("2026-09-27")!, Day("2026-10-10")!])
        XCTAssertTrue(cal.isWorkingDay(Day("2026-09-27")!))
        XCTAssertFalse(cal.isWorkingDay(Day("2026-10-05")!))
        // From Wed Sep 30: Oct 1–7 off, Oct 8 Thu (1), Oct 9 Fri (2), Oct 10 Sat make-up (3).
        XCTAssertEqual(cal.adding(workingDays: 3, to: Day("2026-09-30")!), Day("2026-10-10"))
    }
}
