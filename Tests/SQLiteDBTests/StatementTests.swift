import CSQLite
import XCTest
@testable import SQLiteDB

final class StatementTests: TemporaryDirectoryTestCase {
    private var db: Database!

    override func setUpWithError() throws {
        try super.setUpWithError()
        db = try openDatabase()
        try db.execute("CREATE TABLE v (id INTEGER PRIMARY KEY, value)")
    }

    override func tearDownWithError() throws {
        try db?.close()
        db = nil
        try super.tearDownWithError()
    }

    private func roundTrip(_ value: SQLValue, file: StaticString = #filePath, line: UInt = #line) throws {
        try db.execute("INSERT INTO v (value) VALUES (?)", [value])
        let stored = try db.queryOne("SELECT value, typeof(value) AS type FROM v WHERE id = ?", [.integer(db.lastInsertRowID)])
        XCTAssertEqual(try stored?.value(named: "value"), value, file: file, line: line)
        XCTAssertEqual(try stored?.string("type"), value.storageClass.lowercased(), file: file, line: line)
    }

    func testTypedRoundTrip() throws {
        for value: SQLValue in [
            .text("plain"), .text("举报人的证据"), .text(""), .text("nul\u{0}inside"), .text("emoji 🧾"),
            .blob([0, 1, 2, 255]), .blob([]),
            .integer(Int64.min), .integer(Int64.max), .integer(0),
            .null,
            .real(3.25), .real(-0.0), .real(Double.greatestFiniteMagnitude),
        ] {
            try roundTrip(value)
        }
    }

    func testEmptyBlobIsNotNull() throws {
        try db.execute("INSERT INTO v (value) VALUES (?)", [.blob([])])
        let row = try XCTUnwrap(db.queryOne("SELECT value, value IS NULL AS is_null, length(value) AS len FROM v"))
        XCTAssertEqual(try row.blob("value"), [])
        XCTAssertEqual(try row.bool("is_null"), false)
        XCTAssertEqual(try row.int("len"), 0)
    }

    func testBindByIndexAndName() throws {
        let insert = try db.prepare("INSERT INTO v (id, value) VALUES (:id, :value)")
        XCTAssertEqual(insert.parameterCount, 2)
        try insert.bind(.integer(10), named: "id")
        try insert.bind(.text("ten"), named: ":value")
        XCTAssertFalse(try insert.step())
        try insert.reset()
        try insert.bind(.integer(11), at: 1)
        try insert.bind("eleven", at: 2)
        try insert.run()
        try insert.run([12, "twelve"])
        try insert.bind(named: ["id": 13, "value": "thirteen"])
        try insert.run()
        let values = try db.query("SELECT value FROM v ORDER BY id").map { try $0.string(0) }
        XCTAssertEqual(values, ["ten", "eleven", "twelve", "thirteen"])
    }

    func testBindingErrors() throws {
        let insert = try db.prepare("INSERT INTO v (id, value) VALUES (?, ?)")
        XCTAssertThrowsError(try insert.bind([1])) { XCTAssertEqual(($0 as? SQLiteError)?.code, SQLITE_RANGE) }
        XCTAssertThrowsError(try insert.bind(.null, at: 3))
        XCTAssertThrowsError(try insert.bind(.null, at: 0))
        XCTAssertThrowsError(try insert.bind(.null, named: "nope"))
    }

    func testClearBindingsSetsNull() throws {
        let insert = try db.prepare("INSERT INTO v (id, value) VALUES (?, ?)")
        try insert.bind([1, "x"])
        insert.clearBindings()
        try insert.bind(.integer(1), at: 1)
        try insert.run()
        XCTAssertEqual(try db.scalar("SELECT value FROM v WHERE id = 1"), nil)
    }

    func testStepWalksRowsAndReuses() throws {
        try db.execute("INSERT INTO v (value) VALUES (1), (2), (3)")
        let select = try db.prepare("SELECT value FROM v WHERE value >= ? ORDER BY value")
        XCTAssertEqual(select.columnNames, ["value"])
        XCTAssertEqual(select.columnCount, 1)
        try select.bind([2])
        var seen: [Int64] = []
        while try select.step() { if case .integer(let v) = select.column(0) { seen.append(v) } }
        XCTAssertEqual(seen, [2, 3])
        XCTAssertEqual(try select.rows([1]).count, 3)
        XCTAssertEqual(try select.rows().count, 3, "keeps bindings when none are given")
    }

    func testStepErrorCarriesSQLAndCodes() throws {
        try db.execute("CREATE TABLE u (x TEXT UNIQUE)")
        let insert = try db.prepare("INSERT INTO u VALUES (?)")
        try insert.run(["a"])
        XCTAssertThrowsError(try insert.run(["a"])) { error in
            let error = error as? SQLiteError
            XCTAssertEqual(error?.code, SQLITE_CONSTRAINT)
            XCTAssertEqual(error?.extendedCode, 2067) // SQLITE_CONSTRAINT_UNIQUE
            XCTAssertEqual(error?.sql, "INSERT INTO u VALUES (?)")
        }
        XCTAssertNoThrow(try insert.run(["b"]), "statement is reusable after a failed step")
    }
}
