import XCTest
@testable import SQLiteDB

private struct Broken: Error {}

final class MigratorTests: TemporaryDirectoryTestCase {
    private func baseMigrator() -> Migrator {
        var migrator = Migrator()
        migrator.register("0001-create-cases") { db in
            try db.execute("CREATE TABLE cases (id INTEGER PRIMARY KEY, title TEXT NOT NULL)")
        }
        migrator.register("0002-create-notes") { db in
            try db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, case_id INTEGER NOT NULL REFERENCES cases(id))")
        }
        return migrator
    }

    func testMigrateTwiceAppliesOnce() throws {
        let db = try openDatabase()
        let migrator = baseMigrator()
        XCTAssertEqual(try migrator.migrate(db), ["0001-create-cases", "0002-create-notes"])
        XCTAssertEqual(try migrator.migrate(db), [])
        XCTAssertEqual(try migrator.appliedMigrations(db), ["0001-create-cases", "0002-create-notes"])
        XCTAssertEqual(try db.scalar("PRAGMA user_version", as: Int.self), 2)
        XCTAssertEqual(try db.scalar("SELECT count(*) FROM schema_migrations", as: Int.self), 2)
        let appliedAt = try db.scalar("SELECT applied_at FROM schema_migrations LIMIT 1", as: String.self)
        XCTAssertEqual(appliedAt?.hasSuffix("Z"), true)
    }

    func testLaterMigrationsApplyIncrementally() throws {
        let db = try openDatabase()
        try baseMigrator().migrate(db)
        var newer = baseMigrator()
        newer.register("0003-add-status") { try $0.execute("ALTER TABLE cases ADD COLUMN status TEXT") }
        XCTAssertEqual(try newer.migrate(db), ["0003-add-status"])
        XCTAssertEqual(try db.scalar("PRAGMA user_version", as: Int.self), 3)
    }

    func testFailingMigrationLeavesPreviousVersion() throws {
        let db = try openDatabase()
        var migrator = baseMigrator()
        migrator.register("0003-half-done") { db in
            try db.execute("CREATE TABLE half (x)")
            throw Broken()
        }
        XCTAssertThrowsError(try migrator.migrate(db)) { XCTAssertTrue($0 is Broken) }
        XCTAssertEqual(try db.scalar("PRAGMA user_version", as: Int.self), 2)
        XCTAssertEqual(try migrator.appliedMigrations(db), ["0001-create-cases", "0002-create-notes"])
        XCTAssertNil(try db.scalar("SELECT 1 FROM sqlite_schema WHERE name = 'half'"))
        XCTAssertTrue(db.isAutocommit)
    }

    func testDatabaseNewerThanCodeIsRefused() throws {
        let db = try openDatabase()
        var newer = baseMigrator()
        newer.register("0003-from-the-future") { try $0.execute("CREATE TABLE future (x)") }
        try newer.migrate(db)

        XCTAssertThrowsError(try baseMigrator().migrate(db)) { error in
            XCTAssertEqual(error as? MigrationError, .unknownMigration("0003-from-the-future"))
            XCTAssertTrue("\(error)".contains("0003-from-the-future"))
        }
        XCTAssertEqual(try db.scalar("PRAGMA user_version", as: Int.self), 3)
    }

    func testUserVersionAheadIsRefused() throws {
        let db = try openDatabase()
        try db.execute("PRAGMA user_version = 9")
        XCTAssertThrowsError(try baseMigrator().migrate(db)) { error in
            XCTAssertEqual(error as? MigrationError, .databaseNewerThanCode(userVersion: 9, known: 2))
        }
        XCTAssertNil(try db.scalar("SELECT 1 FROM sqlite_schema WHERE name IN ('cases', 'schema_migrations')"))
    }

    func testMigrateThroughPool() throws {
        let pool = try DatabasePool(path: path(), readerCount: 2)
        let migrator = baseMigrator()
        let applied = try pool.writeWithoutTransaction { try migrator.migrate($0) }
        XCTAssertEqual(applied.count, 2)
        XCTAssertEqual(try pool.read { try $0.scalar("PRAGMA user_version", as: Int.self) }, 2)
    }
}
