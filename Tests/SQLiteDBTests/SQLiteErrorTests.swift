import CSQLite
import Foundation
import XCTest
@testable import SQLiteDB

final class SQLiteErrorTests: TemporaryDirectoryTestCase {
    func testBoundSecretNeverAppearsInError() throws {
        let db = try openDatabase()
        try db.execute("CREATE TABLE sources (id INTEGER PRIMARY KEY, identity TEXT UNIQUE, note TEXT CHECK (length(note) < 5))")
        let secret = "Jane Roe, badge 4471, floor 3"
        try db.execute("INSERT INTO sources (identity) VALUES (?)", [.text(secret)])

        var errors: [any Error] = []
        do { try db.execute("INSERT INTO sources (identity) VALUES (?)", [.text(secret)]) } catch { errors.append(error) }
        do { try db.execute("INSERT INTO sources (identity, note) VALUES (?, ?)", ["other", .text(secret)]) } catch { errors.append(error) }
        do { try db.execute("INSERT INTO sources (id) VALUES (?)", [.text(secret)]) } catch { errors.append(error) }
        XCTAssertEqual(errors.count, 3)

        for error in errors {
            let sqliteError = try XCTUnwrap(error as? SQLiteError)
            XCTAssertTrue([SQLITE_CONSTRAINT, SQLITE_MISMATCH].contains(sqliteError.code), "\(sqliteError.code)")
            for text in [sqliteError.description, sqliteError.debugDescription, "\(error)", String(reflecting: error),
                         error.localizedDescription, sqliteError.message, sqliteError.sql ?? ""] {
                XCTAssertFalse(text.contains("Jane"), text)
                XCTAssertFalse(text.contains("4471"), text)
            }
            XCTAssertTrue(sqliteError.description.contains("(?"), "the SQL with placeholders is shown")
        }
        let unique = try XCTUnwrap(errors.first as? SQLiteError)
        XCTAssertEqual(unique.extendedCode, 2067)
        XCTAssertTrue(unique.description.contains("UNIQUE constraint failed: sources.identity"), unique.description)
    }

    func testDescriptionShowsCodesMessageAndSQL() {
        let error = SQLiteError(extendedCode: 2067, message: "UNIQUE constraint failed: t.x", sql: "INSERT INTO t VALUES (?)")
        XCTAssertEqual(error.code, 19)
        XCTAssertEqual(error.description,
                       "SQLite error 19 (extended 2067): UNIQUE constraint failed: t.x [SQL: INSERT INTO t VALUES (?)]")
    }

    func testSyntaxErrorShowsSQL() throws {
        let db = try openDatabase()
        XCTAssertThrowsError(try db.execute("SELEC 1")) { error in
            XCTAssertEqual((error as? SQLiteError)?.code, SQLITE_ERROR)
            XCTAssertEqual((error as? SQLiteError)?.sql, "SELEC 1")
        }
    }
}
