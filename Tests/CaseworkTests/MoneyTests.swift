import XCTest
@testable import Casework

final class MoneyTests: XCTestCase {
    func testParsesWhatPeopleWrite() throws {
        XCTAssertEqual(try Fen(parsingYuan: "50000"), Fen(5_000_000))
        XCTAssertEqual(try Fen(parsingYuan: "49,999.99"), Fen(4_999_999))
        XCTAssertEqual(try Fen(parsingYuan: "49999.9"), Fen(4_999_990))
        XCTAssertEqual(try Fen(parsingYuan: "０.５"), Fen(50))
        XCTAssertEqual(try Fen(parsingYuan: "￥1，000"), Fen(100_000))
        XCTAssertEqual(try Fen(parsingYuan: "0"), Fen(0))
    }

    func testRefusesWhatIsNotAnAmount() {
        for bad in ["", "-5", "1.234", "1.2.3", "abc", "1e5", "五万", "99999999999999999999"] {
            XCTAssertThrowsError(try Fen(parsingYuan: bad), bad)
        }
    }

    func testFormatting() {
        XCTAssertEqual(Fen(4_999_999).yuanText, "49,999.99")
        XCTAssertEqual(Fen(5).yuanText, "0.05")
        XCTAssertEqual(Fen.yuan(1_000_000).yuanText, "1,000,000.00")
        XCTAssertEqual("\(Fen(10_050))", "¥100.50")
    }
}
