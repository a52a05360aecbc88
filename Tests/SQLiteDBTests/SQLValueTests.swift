import XCTest
@testable import SQLiteDB

final class SQLValueTests: XCTestCase {
    func testLiterals() {
        let values: [SQLValue] = [nil, 1, 2.5, "x", true]
        XCTAssertEqual(values, [.null, .integer(1), .real(2.5), .text("x"), .integer(1)])
    }

    func testStorageClass() {
        XCTAssertEqual(SQLValue.blob([]).storageClass, "BLOB")
        XCTAssertEqual(SQLValue.null.storageClass, "NULL")
    }

    func testDescriptionHidesTheValue() {
        let secret = SQLValue.text("source-is-jane-doe")
        XCTAssertFalse("\(secret)".contains("jane"))
        XCTAssertFalse(String(reflecting: secret).contains("jane"))
        XCTAssertFalse("\([secret])".contains("jane"))
    }
}
