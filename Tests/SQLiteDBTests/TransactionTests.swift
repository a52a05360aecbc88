import CSQLite
import XCTest
@testable import SQLiteDB

private struct Abort: Error {}

final class TransactionTests: TemporaryDirectoryTestCase {
    private var db: Database!

    override func setUpWithError() throws {
        try super.setUpWithError()
        db = try openDatabase()
        try db.execute("CREATE TABLE t (x TEXT)")
    }

    override func tearDownWithError() throws {
        db = nil
        try super.tearDownWithError()
    }

    private func values() throws -> [String] {
        try db.query("SELECT x FROM t ORDER BY rowid").map { try $0.string(0) ?? "" }
    }

    func testReturningCommits() throws {
        let id = try db.transaction { db -> Int64 in
            try db.execute("INSERT INTO t VALUES (?)", ["kept"])
            return db.lastInsertRowID
        }
        XCTAssertEqual(id, 1)
        XCTAssertEqual(try values(), ["kept"])
        XCTAssertTrue(db.isAutocommit)
        // Visible to another connection: it was committed, not merely written.
        XCTAssertEqual(try openDatabase().scalar("SELECT count(*) FROM t", as: Int.self), 1)
    }

    func testThrowingRollsBack() throws {
        XCTAssertThrowsError(try db.transaction { db in
            try db.execute("INSERT INTO t VALUES (?)", ["gone"])
            throw Abort()
        }) { XCTAssertTrue($0 is Abort) }
        XCTAssertEqual(try values(), [])
        XCTAssertTrue(db.isAutocommit)
    }

    func testSQLErrorInsideRollsBackEarlierWork() throws {
        try db.execute("CREATE TABLE u (y INTEGER NOT NULL)")
        XCTAssertThrowsError(try db.transaction { db in
            try db.execute("INSERT INTO t VALUES (?)", ["gone"])
            try db.execute("INSERT INTO u VALUES (?)", [nil])
        })
        XCTAssertEqual(try values(), [])
    }

    func testKinds() throws {
        for kind in [TransactionKind.deferred, .immediate, .exclusive] {
            try db.transaction(kind) { try $0.execute("INSERT INTO t VALUES (?)", [.text(kind.rawValue)]) }
        }
        XCTAssertEqual(try values(), ["DEFERRED", "IMMEDIATE", "EXCLUSIVE"])
    }

    func testNestedSavepointRollbackKeepsOuterWork() throws {
        try db.transaction { db in
            try db.execute("INSERT INTO t VALUES ('outer')")
            XCTAssertThrowsError(try db.transaction { db in
                try db.execute("INSERT INTO t VALUES ('inner')")
                throw Abort()
            })
            try db.transaction { db in
                try db.execute("INSERT INTO t VALUES ('inner ok')")
                try db.transaction { try $0.execute("INSERT INTO t VALUES ('deepest')") }
            }
            XCTAssertFalse(db.isAutocommit, "outer transaction still open")
        }
        XCTAssertEqual(try values(), ["outer", "inner ok", "deepest"])
    }

    func testOuterRollbackUndoesReleasedSavepoints() throws {
        XCTAssertThrowsError(try db.transaction { db in
            try db.transaction { try $0.execute("INSERT INTO t VALUES ('inner')") }
            throw Abort()
        })
        XCTAssertEqual(try values(), [])
    }

    func testFailedCommitRollsBackAndThrows() throws {
        try db.execute("""
            CREATE TABLE parent (id INTEGER PRIMARY KEY);
            CREATE TABLE child (parent_id INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED);
            """)
        // A deferred foreign key is checked at COMMIT, so COMMIT itself fails.
        XCTAssertThrowsError(try db.transaction { db in
            try db.execute("INSERT INTO t VALUES ('gone')")
            try db.execute("INSERT INTO child VALUES (?)", [99])
        }) { error in
            XCTAssertEqual((error as? SQLiteError)?.extendedCode, 787) // SQLITE_CONSTRAINT_FOREIGNKEY
            XCTAssertEqual((error as? SQLiteError)?.sql, "COMMIT TRANSACTION")
        }
        XCTAssertTrue(db.isAutocommit, "rolled back, not left open")
        XCTAssertEqual(try values(), [])
        XCTAssertEqual(try db.scalar("SELECT count(*) FROM child", as: Int.self), 0)
    }
}
