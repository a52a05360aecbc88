import Foundation
import SQLiteDB
import XCTest
@testable import Casefile
import TestSupport

/// Damage written by hand, as a restored-from-elsewhere or hand-edited database might hold it:
/// the ledger is closed, `table` is rebuilt through the test's own connection without the NOT
/// NULL on `column` (SQLite's documented table rebuild: create, copy, drop, rename), `update`
/// is run on it, and the ledger opened again.
enum DamagedDatabase {
    static func loosen(_ world: World, table: String, column: String, declared: String, then update: String,
                       _ bindings: [SQLValue] = [], file: StaticString = #filePath, line: UInt = #line) throws {
        try world.ledger.close()
        let db = try Database(path: world.dataFolder.appendingPathComponent(Ledger.databaseName).path)
        let create = try XCTUnwrap(try db.scalar("SELECT sql FROM sqlite_schema WHERE name = ?", [.text(table)], as: String.self))
        let renamed = create.replacingOccurrences(of: "CREATE TABLE \(table)(", with: "CREATE TABLE \(table)_damaged(")
        let loosened = renamed.replacingOccurrences(of: "\(column) \(declared) NOT NULL", with: "\(column) \(declared)")
        XCTAssertNotEqual(loosened, renamed, "\(table).\(column) was declared NOT NULL", file: file, line: line)
        try db.execute("PRAGMA foreign_keys = OFF")
        try db.execute("PRAGMA legacy_alter_table = ON")
        try db.execute("PRAGMA ignore_check_constraints = ON")
        try db.execute("BEGIN")
        try db.execute(loosened)
        try db.execute("INSERT INTO \(table)_damaged SELECT * FROM \(table)")
        try db.execute("DROP TABLE \(table)")
        try db.execute("ALTER TABLE \(table)_damaged RENAME TO \(table)")
        try db.execute(update, bindings)
        XCTAssertGreaterThan(db.changes, 0, "the damage was written", file: file, line: line)
        try db.execute("COMMIT")
        try db.close()
        try world.reopen()
    }
}
