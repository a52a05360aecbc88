import CSQLite
import Foundation
import Synchronization
import XCTest
@testable import SQLiteDB

final class DatabaseTests: TemporaryDirectoryTestCase {
    func testOpenConfiguresConnection() throws {
        let db = try openDatabase()
        XCTAssertEqual(try db.scalar("PRAGMA journal_mode", as: String.self), "wal")
        XCTAssertEqual(try db.scalar("PRAGMA foreign_keys", as: Int.self), 1)
        XCTAssertEqual(try db.scalar("PRAGMA secure_delete", as: Int.self), 1)
        XCTAssertEqual(try db.scalar("PRAGMA trusted_schema", as: Int.self), 0)
        XCTAssertEqual(try db.scalar("PRAGMA synchronous", as: Int.self), 2, "FULL")
        XCTAssertEqual(try db.scalar("PRAGMA busy_timeout", as: Int.self), 5000)
        XCTAssertEqual(try db.scalar("PRAGMA query_only", as: Int.self), 0)
        let handle = try XCTUnwrap(db.handle)
        XCTAssertEqual(candor_sqlite_is_defensive(handle), 1)
        XCTAssertEqual(candor_sqlite_trusts_schema(handle), 0)
        // Defensive mode in effect: writable_schema cannot be used to edit the schema table.
        try db.execute("PRAGMA writable_schema=ON")
        XCTAssertThrowsError(try db.execute("UPDATE sqlite_schema SET sql = 'x' WHERE 0"))
    }

    func testBusyTimeoutIsConfigurable() throws {
        let db = try openDatabase(options: DatabaseOptions(busyTimeoutMilliseconds: 1234))
        XCTAssertEqual(try db.scalar("PRAGMA busy_timeout", as: Int.self), 1234)
    }

    func testPageCacheSizeIsConfigurable() throws {
        XCTAssertEqual(try openDatabase().scalar("PRAGMA cache_size", as: Int.self), -2000, "SQLite's default")
        let db = try openDatabase(options: DatabaseOptions(cacheKibibytes: 16_384))
        XCTAssertEqual(try db.scalar("PRAGMA cache_size", as: Int.self), -16_384)
    }

    func testFileAndWALAreCreatedPrivate() throws {
        let db = try openDatabase()
        try db.execute("CREATE TABLE t (x); INSERT INTO t VALUES (1)")
        for file in [path(), path() + "-wal", path() + "-shm"] {
            let attributes = try FileManager.default.attributesOfItem(atPath: file)
            XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600, file)
        }
    }

    func testInMemoryNeedsExplicitOption() throws {
        XCTAssertThrowsError(try Database(path: ":memory:")) { error in
            XCTAssertTrue("\(error)".contains("expected wal"), "\(error)")
        }
        let db = try Database(path: ":memory:", options: DatabaseOptions(allowNonWAL: true))
        XCTAssertEqual(try db.scalar("SELECT 1 + 1", as: Int.self), 2)
        XCTAssertEqual(try db.scalar("PRAGMA foreign_keys", as: Int.self), 1)
    }

    func testURIPathsAreRefused() {
        XCTAssertThrowsError(try Database(path: "file:\(path())?mode=memory"))
    }

    func testExecuteScriptQueryAndScalar() throws {
        let db = try openDatabase()
        try db.execute("""
            CREATE TABLE cases (id INTEGER PRIMARY KEY, title TEXT NOT NULL);
            -- a comment between statements
            INSERT INTO cases (title) VALUES ('one');
            """)
        XCTAssertEqual(db.lastInsertRowID, 1)
        try db.execute("INSERT INTO cases (title) VALUES (?)", ["two"])
        XCTAssertEqual(db.lastInsertRowID, 2)
        XCTAssertEqual(db.changes, 1)
        try db.execute("UPDATE cases SET title = title || '!'", [])
        XCTAssertEqual(db.changes, 2)

        let rows = try db.query("SELECT id, title FROM cases ORDER BY id")
        XCTAssertEqual(try rows.map { try $0.string("title") }, ["one!", "two!"])
        XCTAssertEqual(try db.queryOne("SELECT title FROM cases WHERE id = ?", [2])?.string(0), "two!")
        XCTAssertNil(try db.queryOne("SELECT title FROM cases WHERE id = ?", [99]))
        XCTAssertEqual(try db.scalar("SELECT count(*) FROM cases"), .integer(2))
        XCTAssertNil(try db.scalar("SELECT NULL"))
    }

    func testNamedBindingThroughDatabase() throws {
        let db = try openDatabase()
        try db.execute("CREATE TABLE t (a TEXT, b INTEGER)")
        try db.execute("INSERT INTO t VALUES (:a, @b)", named: ["a": "x", "@b": 7])
        let rows = try db.query("SELECT a, b FROM t WHERE b = $b", named: ["$b": 7])
        XCTAssertEqual(try rows.first?.string("a"), "x")
    }

    func testPrepareRefusesASecondStatement() throws {
        let db = try openDatabase()
        XCTAssertThrowsError(try db.prepare("SELECT 1; SELECT 2"))
        XCTAssertNoThrow(try db.prepare("SELECT 1; -- trailing comment"))
        XCTAssertThrowsError(try db.prepare("   "))
    }

    func testForeignKeyViolationIsRefused() throws {
        let db = try openDatabase()
        try db.execute("""
            CREATE TABLE cases (id INTEGER PRIMARY KEY);
            CREATE TABLE notes (id INTEGER PRIMARY KEY, case_id INTEGER NOT NULL REFERENCES cases(id));
            """)
        XCTAssertThrowsError(try db.execute("INSERT INTO notes (case_id) VALUES (?)", [42])) { error in
            let error = error as? SQLiteError
            XCTAssertEqual(error?.code, SQLITE_CONSTRAINT)
            XCTAssertEqual(error?.extendedCode, 787) // SQLITE_CONSTRAINT_FOREIGNKEY
        }
        XCTAssertEqual(try db.scalar("SELECT count(*) FROM notes", as: Int.self), 0)
    }

    func testCloseSucceedsAfterManyStatementsWentOutOfScope() throws {
        let db = try openDatabase()
        try db.execute("CREATE TABLE t (x INTEGER)")
        for i in 0..<500 {
            let statement = try db.prepare("INSERT INTO t VALUES (?)")
            try statement.run([.integer(Int64(i))])
            _ = try db.query("SELECT x FROM t WHERE x = ?", [.integer(Int64(i))])
        }
        // sqlite3_close (not _v2) returns SQLITE_BUSY if any statement was left unfinalized.
        XCTAssertNoThrow(try db.close())
        XCTAssertFalse(db.isOpen)
        XCTAssertNoThrow(try db.close(), "close is idempotent")
        XCTAssertThrowsError(try db.execute("SELECT 1"))
    }

    func testCloseWithLiveStatementIsBusyAndKeepsConnection() throws {
        let db = try openDatabase()
        var statement: Statement? = try db.prepare("SELECT 1")
        XCTAssertThrowsError(try db.close()) { error in
            XCTAssertEqual((error as? SQLiteError)?.code, SQLITE_BUSY)
        }
        XCTAssertTrue(db.isOpen)
        XCTAssertEqual(try statement?.rows().count, 1)
        statement = nil
        XCTAssertNoThrow(try db.close())
    }

    func testTwoConnectionsWriteConcurrently() throws {
        let file = path()
        try Database(path: file).execute("CREATE TABLE t (writer INTEGER, n INTEGER)")
        let perWriter = 200
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 2) { writer in
            do {
                let db = try Database(path: file)
                for n in 0..<perWriter {
                    try db.transaction(.immediate) { db in
                        try db.execute("INSERT INTO t VALUES (?, ?)", [.integer(Int64(writer)), .integer(Int64(n))])
                    }
                }
            } catch {
                failures.withLock { $0.append("\(error)") }
            }
        }
        XCTAssertEqual(failures.withLock { $0 }, [])
        let db = try Database(path: file)
        XCTAssertEqual(try db.scalar("SELECT count(*) FROM t", as: Int.self), 2 * perWriter)
        XCTAssertEqual(try db.scalar("SELECT count(DISTINCT writer) FROM t", as: Int.self), 2)
    }
}
