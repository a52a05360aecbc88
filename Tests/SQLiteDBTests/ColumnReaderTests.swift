import Foundation
import XCTest
import SQLiteDB

final class ColumnReaderTests: TemporaryDirectoryTestCase {
    enum Colour: String { case red, green }

    func row(_ sql: String, _ bindings: [SQLValue] = []) throws -> Row {
        try XCTUnwrap(try openDatabase().queryOne(sql, bindings))
    }

    func testARequiredColumnReadsItsValue() throws {
        let r = try row("SELECT 7 AS n, 'red' AS colour, NULL AS note").reader(table: "things")
        XCTAssertEqual(try r.required("n", as: Int64.self), 7)
        XCTAssertEqual(try r.required("colour", as: Colour.self), .red)
        XCTAssertNil(try r.optional("note", as: String.self), "a nullable column reads NULL as nil")
        XCTAssertNil(try r.optional("note", as: Colour.self))
    }

    func testNullInARequiredColumnThrowsNamingTheColumnAndTheTable() throws {
        let r = try row("SELECT NULL AS state").reader(table: "cases")
        XCTAssertThrowsError(try r.required("state", as: String.self)) { error in
            XCTAssertEqual(error as? RowError, .nullInRequiredColumn(column: "state", table: "cases"))
            XCTAssertEqual("\(error)", "column state of table cases is NULL, but a value is required")
        }
        XCTAssertThrowsError(try r.required("state", as: Colour.self)) { error in
            XCTAssertEqual(error as? RowError, .nullInRequiredColumn(column: "state", table: "cases"))
        }
        XCTAssertThrowsError(try row("SELECT NULL AS n").required(Int64.self, "n", table: "counters")) { error in
            XCTAssertEqual(error as? RowError, .nullInRequiredColumn(column: "n", table: "counters"))
        }
    }

    func testAWrongValueNamesTheColumnAndTableButNeverTheContent() throws {
        let r = try row("SELECT ? AS colour, ? AS n", [.text("confidential-purple"), .text("confidential-word")]).reader(table: "things")
        XCTAssertThrowsError(try r.required("colour", as: Colour.self)) { error in
            XCTAssertEqual(error as? RowError, .unexpectedValue(column: "colour", table: "things", expected: "Colour"))
            XCTAssertFalse("\(error)".contains("confidential"), "the error must not print the cell")
        }
        XCTAssertThrowsError(try r.required("n", as: Int64.self)) { error in
            XCTAssertEqual(error as? RowError, .typeMismatch(column: "things.n", expected: "Int64", stored: "TEXT"))
            XCTAssertFalse("\(error)".contains("confidential"))
        }
        XCTAssertThrowsError(try r.required("absent", as: Int64.self)) { error in
            XCTAssertEqual(error as? RowError, .missingColumn("things.absent"))
        }
    }
}
