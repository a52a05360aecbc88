import Foundation
import XCTest
@testable import SQLiteDB

final class RowTests: TemporaryDirectoryTestCase {
    func testTypedAccessByNameAndIndex() throws {
        let db = try openDatabase()
        let row = try XCTUnwrap(db.queryOne(
            "SELECT ? AS name, ? AS data, ? AS n, ? AS r, NULL AS missing_value, ? AS flag",
            ["案件", .blob([9]), .integer(Int64.max), 0.5, true]))
        XCTAssertEqual(try row["name"] as String?, "案件")
        XCTAssertEqual(try row.string("NAME"), "案件", "names are case-insensitive")
        XCTAssertEqual(try row.blob("data"), [9])
        XCTAssertEqual(try row.get("data", as: Data.self), Data([9]))
        XCTAssertEqual(try row.int64("n"), Int64.max)
        XCTAssertEqual(try row.double("r"), 0.5)
        XCTAssertEqual(try row.bool("flag"), true)
        XCTAssertNil(try row.string("missing_value"))
        XCTAssertTrue(try row.isNull("missing_value"))
        XCTAssertEqual(try row[0] as String?, "案件")
        XCTAssertEqual(try row.int64(2), Int64.max)
        XCTAssertEqual(row.count, 6)
    }

    func testMissingColumnAndWrongTypeNameTheColumnNotTheValue() throws {
        let row = Row(columnNames: ["secret_name"], values: [.text("whistle-secret")])
        XCTAssertThrowsError(try row.string("absent")) { error in
            XCTAssertEqual(error as? RowError, .missingColumn("absent"))
            XCTAssertTrue("\(error)".contains("absent"))
        }
        XCTAssertThrowsError(try row.int64("secret_name")) { error in
            XCTAssertEqual(error as? RowError, .typeMismatch(column: "secret_name", expected: "Int64", stored: "TEXT"))
            XCTAssertTrue("\(error)".contains("secret_name"))
            XCTAssertFalse("\(error)".contains("whistle-secret"))
        }
        XCTAssertThrowsError(try row.blob(3))
        XCTAssertFalse("\(row)".contains("whistle-secret"))
        XCTAssertFalse(String(reflecting: row).contains("whistle-secret"))
    }
}
