import XCTest
@testable import Casework

final class DayTests: XCTestCase {
    func testKnownOrdinalsAndWeekdays() {
        XCTAssertEqual(Day(year: 1970, month: 1, day: 1)?.ordinal, 0)
        XCTAssertEqual(Day(year: 2000, month: 3, day: 1)?.ordinal, 11_017)
        XCTAssertEqual(Day(year: 1969, month: 12, day: 31)?.ordinal, -1)
        XCTAssertEqual(Day(year: 1970, month: 1, day: 1)?.isoWeekday, 4) // Thursday
        XCTAssertEqual(Day("2026-11-29")?.isoWeekday, 7) // a Sunday
        XCTAssertEqual(Day("2026-11-30")?.isoWeekday, 1)
    }

    func testRoundTripOverFourCenturies() {
        let start = Day(year: 1900, month: 1, day: 1)!.ordinal
        let end = Day(year: 2300, month: 12, day: 31)!.ordinal
        for ordinal in stride(from: start, through: end, by: 1) {
            let c = Day(ordinal: ordinal).components
            XCTAssertEqual(Day(year: c.year, month: c.month, day: c.day)?.ordinal, ordinal)
        }
    }

    func testRejectsDaysThatDoNotExist() {
        XCTAssertNil(Day(year: 2026, month: 2, day: 29))
        XCTAssertNotNil(Day(year: 2028, month: 2, day: 29))
        XCTAssertNil(Day(year: 2100, month: 2, day: 29))
        XCTAssertNotNil(Day(year: 2000, month: 2, day: 29))
        XCTAssertNil(Day("2026-13-01"))
        XCTAssertNil(Day("2026-1-01"))
        XCTAssertNil(Day("20261101"))
    }

    func testMonthsClampToMonthEnd() {
        XCTAssertEqual(Day("2026-01-31")!.adding(months: 1), Day("2026-02-28"))
        XCTAssertEqual(Day("2028-01-31")!.adding(months: 1), Day("2028-02-29"))
        XCTAssertEqual(Day("2026-11-29")!.adding(months: 3), Day("2027-02-28"))
        XCTAssertEqual(Day("2026-03-15")!.adding(months: -3), Day("2025-12-15"))
        XCTAssertEqual(Day("2026-05-31")!.adding(months: 24), Day("2028-05-31"))
    }

    func testUnixTimeInZone() {
        // 2026-11-29 16:30 UTC is already 2026-11-30 in Beijing (UTC+8).
        let t: Int64 = 1_795_969_800
        XCTAssertEqual(Day(unixTime: t).description, "2026-11-29")
        XCTAssertEqual(Day(unixTime: t, offsetSeconds: 8 * 3600).description, "2026-11-30")
        XCTAssertEqual(Day(unixTime: -1).description, "1969-12-31")
    }

    func testCodableAsText() throws {
        let day = Day("2026-01-05")!
        let data = try JSONEncoder().encode([day])
        XCTAssertEqual(String(decoding: data, as: UTF8.self), "[\"2026-01-05\"]")
        XCTAssertEqual(try JSONDecoder().decode([Day].self, from: data), [day])
        XCTAssertThrowsError(try JSONDecoder().decode([Day].self, from: Data("[\"2026-02-30\"]".utf8)))
    }
}
