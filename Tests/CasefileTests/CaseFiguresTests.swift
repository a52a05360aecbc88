import Casework
import Foundation
import XCTest
@testable import Casefile
import TestSupport

final class CaseFiguresTests: XCTestCase {
    func testFiguresComeFromThePlaintextColumnsOfTheYearAsked() throws {
        let world = try World()
        try world.standardRoster()
        let draft = ReportDraft(category: "bribery", narrative: "FIGURES-NARRATIVE", accused: [AccusedPerson(name: "某甲", post: "科长")])
        let receipts = [try world.submit(draft), try world.submit(draft)]
        // Move the second case to another register year, as a case received a year earlier.
        let year = receipts[0].registerNumber.year
        try world.ledger.pool.write { db in
            try db.execute("UPDATE cases SET register_year = ? WHERE ref = ?", [.integer(Int64(year - 1)), .text(receipts[1].caseRef)])
        }
        XCTAssertEqual(try world.ledger.registerYears(), [year, year - 1], "each year once, newest first")
        let all = try world.ledger.statisticsCases(year: nil)
        XCTAssertEqual(all.count, 2)
        XCTAssertEqual(all.map(\.category), ["bribery", "bribery"])
        XCTAssertEqual(all.map(\.state), [.submitted, .submitted])
        XCTAssertEqual(try world.ledger.statisticsCases(year: year).count, 1)
        XCTAssertEqual(try world.ledger.statisticsCases(year: year - 1).count, 1)
        XCTAssertEqual(try world.ledger.statisticsCases(year: year - 2).count, 0)
    }
}
