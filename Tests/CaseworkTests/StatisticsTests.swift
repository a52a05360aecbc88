import XCTest
@testable import Casework

final class StatisticsTests: XCTestCase {
    func day(_ s: String) -> Day { Day(s)! }

    func stats(_ cases: [Statistics.Case], today: String = "2027-03-01") -> Statistics {
        Statistics(cases, rules: DeadlineRules(), calendar: WorkingCalendar(), today: day(today))
    }

    func c(_ received: String, channel: String = "online", category: String = "bribery", state: CaseState = .submitted,
           outcome: Outcome? = nil, realName: Bool = false, registered: String? = nil, notice: String? = nil,
           feedback: String? = nil, concluded: String? = nil, closed: String? = nil) -> Statistics.Case {
        Statistics.Case(receivedOn: day(received), channel: channel, category: category, state: state, outcome: outcome,
                        realName: realName, registeredOn: registered.map(day), acceptanceNoticeOn: notice.map(day),
                        feedbackOn: feedback.map(day), concludedOn: concluded.map(day), closedOn: closed.map(day))
    }

    func testEmptyInputHasNoFiguresAndNoShares() {
        let s = stats([])
        XCTAssertEqual(s.total, 0)
        XCTAssertEqual(s.byMonth, [])
        XCTAssertEqual(s.byCategory, [])
        XCTAssertEqual(s.byChannel, [])
        XCTAssertEqual(s.byState.map(\.key), CaseState.allCases.map(\.rawValue))
        XCTAssertEqual(s.byState.map(\.count), Array(repeating: 0, count: CaseState.allCases.count))
        XCTAssertNil(s.medianDaysToRegister)
        XCTAssertNil(s.medianDaysToConclusion)
        XCTAssertEqual(s.deadlinesOverall, Statistics.DeadlineShare())
        XCTAssertNil(s.deadlinesOverall.share, "nothing decided is neither 0% nor 100%")
        for kind in DeadlineKind.allCases { XCTAssertNil(s.deadlines[kind]?.share) }
    }

    func testMonthBoundariesAndGapsFilled() {
        // The last day of a month and the first of the next fall in different months; a month
        // with nothing in between is still on the axis.
        let s = stats([c("2025-12-31"), c("2026-02-01"), c("2026-01-31"), c("2026-01-01"), c("2026-04-30")])
        XCTAssertEqual(s.byMonth, [.init("2025-12", 1), .init("2026-01", 2), .init("2026-02", 1),
                                   .init("2026-03", 0), .init("2026-04", 1)])
        XCTAssertEqual(Statistics.monthKey(day("2024-02-29")), "2024-02")
        XCTAssertEqual(Statistics.monthKey(day("0999-12-31")), "0999-12")
    }

    func testCorruptFarDayDoesNotFillCenturies() {
        let s = stats([c("1970-01-01"), c("2026-03-02")])
        XCTAssertEqual(s.byMonth, [.init("1970-01", 1), .init("2026-03", 1)])
    }

    func testCountsByCategoryChannelAndState() {
        let s = stats([
            c("2026-03-02", channel: "online", category: "bribery", state: .submitted),
            c("2026-03-03", channel: "letter", category: "procurement", state: .registered),
            c("2026-03-04", channel: "online", category: "bribery", state: .investigating),
            c("2026-03-05", channel: "phone", category: "conduct", state: .investigating),
            c("2026-03-06", channel: "online", category: "procurement", state: .concluded, outcome: .substantiated),
            c("2026-03-07", channel: "letter", category: "bribery", state: .closed, outcome: .unsubstantiated),
        ])
        XCTAssertEqual(s.total, 6)
        XCTAssertEqual(s.byCategory, [.init("bribery", 3), .init("procurement", 2), .init("conduct", 1)])
        XCTAssertEqual(s.byChannel, [.init("online", 3), .init("letter", 2), .init("phone", 1)])
        let states = Dictionary(uniqueKeysWithValues: s.byState.map { ($0.key, $0.count) })
        XCTAssertEqual(states, ["submitted": 1, "registered": 1, "not_actionable": 0, "awaiting_approval": 0, "refused": 0,
                                "investigating": 2, "suspended": 0, "reported": 0, "concluded": 1, "closed": 1])
        XCTAssertEqual(s.byState.first?.key, "submitted", "in the order of the life of a case")
        XCTAssertEqual(s.byMonth, [.init("2026-03", 6)])
    }

    func testTiesInATallyAreOrderedByKey() {
        let s = stats([c("2026-03-02", category: "b"), c("2026-03-02", category: "a"), c("2026-03-02", category: "c"), c("2026-03-02", category: "c")])
        XCTAssertEqual(s.byCategory.map(\.key), ["c", "a", "b"])
    }

    func testMedianOddAndEven() {
        XCTAssertNil(Statistics.median([]))
        XCTAssertEqual(Statistics.median([5]), 5)
        XCTAssertEqual(Statistics.median([7, 1, 3]), 3)
        XCTAssertEqual(Statistics.median([10, 1, 4, 2]), 3)
        XCTAssertEqual(Statistics.median([1, 2]), 1.5)
    }

    func testMedianDaysToRegisterCountsOnlyRegisteredCases() {
        // 3, 1 and 7 days; the unregistered case is not a zero.
        let odd = stats([c("2026-03-02", registered: "2026-03-05"), c("2026-03-02", registered: "2026-03-03"),
                         c("2026-03-02", registered: "2026-03-09"), c("2026-03-02")])
        XCTAssertEqual(odd.medianDaysToRegister, 3)
        // 1 and 2 days: 1.5.
        let even = stats([c("2026-02-27", registered: "2026-02-28"), c("2026-02-27", registered: "2026-03-01")])
        XCTAssertEqual(even.medianDaysToRegister, 1.5)
    }

    func testMedianDaysToConclusionNeedsAnOutcomeAndADay() {
        let s = stats([
            c("2026-01-01", state: .concluded, outcome: .substantiated, concluded: "2026-01-31"),     // 30
            c("2026-01-01", state: .closed, outcome: .unsubstantiated, concluded: "2026-03-02"),     // 60
            c("2026-01-01", state: .concluded, outcome: .substantiated, concluded: "2026-01-11"),     // 10
            c("2026-01-01", state: .closed, outcome: .substantiated, concluded: "2026-01-21"),        // 20
            c("2026-01-01", state: .notActionable, concluded: "2026-01-02", closed: "2026-01-02"),   // no outcome: left out
            c("2026-01-01", state: .concluded, outcome: .substantiated),                             // no day: left out
        ])
        // 10, 20, 30, 60: (20 + 30) / 2.
        XCTAssertEqual(s.medianDaysToConclusion, 25)
    }

    func testDeadlineSharesPerKindAndOverall() {
        // Received on Monday 2026-11-02: register by 11-09, acceptance notice (real name) by
        // 11-23, feedback by 2027-02-02. Today is 2027-03-01.
        let s = stats([
            // register met, feedback met.
            c("2026-11-02", state: .registered, registered: "2026-11-05", feedback: "2026-12-01"),
            // register late, feedback overdue.
            c("2026-11-02", state: .registered, registered: "2026-11-12"),
            // real name: register met, acceptance notice overdue, feedback overdue.
            c("2026-11-02", state: .registered, realName: true, registered: "2026-11-03"),
            // received days ago: register and feedback still running, counted nowhere.
            c("2027-02-27"),
            // closed on 11-05: its feedback deadline had not passed when its clock stopped.
            c("2026-11-02", state: .notActionable, registered: "2026-11-03", closed: "2026-11-05"),
        ])
        XCTAssertEqual(s.deadlines[.register], .init(metOnTime: 3, metLate: 1, overdue: 0))
        XCTAssertEqual(s.deadlines[.register]?.share, 0.75)
        XCTAssertEqual(s.deadlines[.acceptanceNotice], .init(metOnTime: 0, metLate: 0, overdue: 1))
        XCTAssertEqual(s.deadlines[.acceptanceNotice]?.share, 0)
        XCTAssertEqual(s.deadlines[.feedback], .init(metOnTime: 1, metLate: 0, overdue: 2))
        XCTAssertEqual(try XCTUnwrap(s.deadlines[.feedback]?.share), 1.0 / 3.0, accuracy: 1e-12)
        XCTAssertEqual(s.deadlinesOverall, .init(metOnTime: 4, metLate: 1, overdue: 3))
        XCTAssertEqual(s.deadlinesOverall.share, 0.5)
    }

    func testClosedCaseMissedADeadlineThatPassedBeforeItClosed() {
        // Feedback was due 2027-02-02; the case closed on 02-10 without any: missed.
        let s = stats([c("2026-11-02", state: .refused, registered: "2026-11-03", closed: "2027-02-10")], today: "2027-06-01")
        XCTAssertEqual(s.deadlines[.feedback], .init(metOnTime: 0, metLate: 0, overdue: 1))
        XCTAssertEqual(s.deadlines[.register], .init(metOnTime: 1, metLate: 0, overdue: 0))
    }

    func testWorkingDayCalendarDecidesTheAcceptanceNotice() {
        // With a holiday week the notice due on 11-23 moves to 11-30; a notice on 11-27 is on time.
        var holidays = Set<Day>()
        for d in 16...20 { holidays.insert(Day(year: 2026, month: 11, day: d)!) }
        let facts = [c("2026-11-02", state: .registered, realName: true, registered: "2026-11-03", notice: "2026-11-27")]
        let plain = Statistics(facts, rules: DeadlineRules(), calendar: WorkingCalendar(), today: day("2026-12-10"))
        let withHolidays = Statistics(facts, rules: DeadlineRules(), calendar: WorkingCalendar(holidays: holidays), today: day("2026-12-10"))
        XCTAssertEqual(plain.deadlines[.acceptanceNotice], .init(metOnTime: 0, metLate: 1, overdue: 0))
        XCTAssertEqual(withHolidays.deadlines[.acceptanceNotice], .init(metOnTime: 1, metLate: 0, overdue: 0))
    }
}
