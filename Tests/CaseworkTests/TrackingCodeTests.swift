import XCTest
@testable import Casework

final class TrackingCodeTests: XCTestCase {
    /// A deterministic byte source, standing in for RAND_bytes only where the test must know the bytes.
    private func counterBytes() -> (Int) -> [UInt8] {
        var next: UInt8 = 0
        return { n in (0..<n).map { _ in defer { next &+= 37 }; return next } }
    }

    func testDammKnownAnswer() {
        // Damm's own worked example: 572 → check digit 4.
        XCTAssertEqual(TrackingCode.damm([5, 7, 2]), 4)
        XCTAssertEqual(TrackingCode.damm([5, 7, 2, 4]), 0)
    }

    func testShapeAndGrouping() throws {
        let code = TrackingCode.generate(randomBytes: counterBytes())
        XCTAssertEqual(code.digits.count, 21)
        XCTAssertTrue(code.digits.allSatisfy { $0.isASCII && $0.isNumber })
        let grouped = code.grouped
        XCTAssertEqual(grouped.split(separator: " ").map(\.count), [4, 4, 4, 4, 4, 1])
        XCTAssertEqual(try TrackingCode(parsing: grouped), code)
    }

    func testRejectionSamplingDropsHighBytes() {
        // Only bytes ≥ 250 at first: they must all be skipped, never folded into digits.
        var calls = 0
        let code = TrackingCode.generate { n in
            calls += 1
            return calls == 1 ? [UInt8](repeating: 255, count: n) : [UInt8](repeating: 13, count: n)
        }
        XCTAssertEqual(String(code.digits.prefix(20)), String(repeating: "3", count: 20))
        XCTAssertEqual(calls, 2)
    }

    func testEverySingleDigitErrorIsCaught() throws {
        let code = TrackingCode.generate(randomBytes: counterBytes())
        var digits = Array(code.digits)
        for i in digits.indices {
            let original = digits[i]
            for d in "0123456789" where d != original {
                digits[i] = d
                XCTAssertThrowsError(try TrackingCode(parsing: String(digits))) {
                    XCTAssertEqual($0 as? TrackingCode.ParseError, .checkDigitMismatch)
                }
            }
            digits[i] = original
        }
    }

    func testEveryAdjacentSwapIsCaught() throws {
        for seed in 0..<50 {
            var state = UInt8(seed)
            let code = TrackingCode.generate { n in (0..<n).map { _ in state = state &* 29 &+ 11; return state } }
            var digits = Array(code.digits)
            for i in 0..<(digits.count - 1) where digits[i] != digits[i + 1] {
                digits.swapAt(i, i + 1)
                XCTAssertThrowsError(try TrackingCode(parsing: String(digits)), "swap at \(i)")
                digits.swapAt(i, i + 1)
            }
        }
    }

    func testParsingFoldsWhatPeopleType() throws {
        let code = TrackingCode.generate(randomBytes: counterBytes())
        let fullWidth = String(code.digits.unicodeScalars.map { Character(Unicode.Scalar($0.value - 0x30 + 0xFF10)!) })
        XCTAssertEqual(try TrackingCode(parsing: fullWidth), code)
        let dashed = code.grouped.replacingOccurrences(of: " ", with: "-")
        XCTAssertEqual(try TrackingCode(parsing: " " + dashed + " "), code)
        XCTAssertEqual(try TrackingCode(parsing: code.grouped.replacingOccurrences(of: " ", with: "\u{3000}")), code)
    }

    func testMalformedInput() {
        for bad in ["", "1234", String(repeating: "1", count: 22), "1234 5678 9012 3456 7890 a", "١٢٣٤"] {
            XCTAssertThrowsError(try TrackingCode(parsing: bad)) {
                XCTAssertEqual($0 as? TrackingCode.ParseError, .malformed)
            }
        }
    }

    func testDescriptionNeverShowsTheCode() {
        let code = TrackingCode.generate(randomBytes: counterBytes())
        XCTAssertFalse("\(code)".contains(code.digits.prefix(8)))
        XCTAssertFalse(String(reflecting: code).contains(code.digits.prefix(8)))
    }
}
