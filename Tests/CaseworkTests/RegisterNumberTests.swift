import XCTest
@testable import Casework

final class RegisterNumberTests: XCTestCase {
    func testFormatAndParse() {
        let n = RegisterNumber(year: 2026, sequence: 123)
        XCTAssertEqual(n.description, "JB-2026-000123")
        XCTAssertEqual(RegisterNumber("JB-2026-000123"), n)
        XCTAssertEqual(RegisterNumber("JB-2026-1234567")?.sequence, 1_234_567)
        for bad in ["JB-2026-12", "XX-2026-000001", "JB-26-000001", "JB-2026-000000", "JB-2026-００００01"] {
            XCTAssertNil(RegisterNumber(bad), bad)
        }
        XCTAssertLessThan(RegisterNumber(year: 2025, sequence: 900), RegisterNumber(year: 2026, sequence: 1))
    }
}
