import Foundation
import XCTest
@testable import SQLiteDB

final class SQLBindableTests: XCTestCase {
    func testSwiftTypesBind() {
        XCTAssertEqual(SQLValue(42), .integer(42))
        XCTAssertEqual(SQLValue(Int64.min), .integer(Int64.min))
        XCTAssertEqual(SQLValue(true), .integer(1))
        XCTAssertEqual(SQLValue(false), .integer(0))
        XCTAssertEqual(SQLValue(1.5), .real(1.5))
        XCTAssertEqual(SQLValue("案件"), .text("案件"))
        XCTAssertEqual(SQLValue([UInt8]([1, 2])), .blob([1, 2]))
        XCTAssertEqual(SQLValue(Data([3])), .blob([3]))
        XCTAssertEqual(SQLValue(Data()), .blob([]))
        XCTAssertEqual(SQLValue(Optional<String>.none), .null)
        XCTAssertEqual(SQLValue(Optional("x")), .text("x"))
    }

    func testDecoding() {
        XCTAssertEqual(Int.decode(from: .integer(7)), 7)
        XCTAssertNil(Int.decode(from: .text("7")), "no silent conversion from text")
        XCTAssertEqual(Double.decode(from: .integer(2)), 2.0)
        XCTAssertEqual(Bool.decode(from: .integer(0)), false)
        XCTAssertEqual(Data.decode(from: .blob([])), Data())
        XCTAssertNil(String.decode(from: .blob([65])))
        XCTAssertNil([UInt8].decode(from: .text("A")))
    }
}
