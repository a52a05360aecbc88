import Foundation
import XCTest
@testable import SQLiteDB

final class MaintenanceTests: TemporaryDirectoryTestCase {
    private func walSize() throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path() + "-wal")
        return (attributes[.size] as? NSNumber)?.intValue ?? -1
    }

    func testCheckpointTruncatesWAL() throws {
        let db = try openDatabase()
        try db.execute("CREATE TABLE t (x); INSERT INTO t VALUES (zeroblob(10000))")
        XCTAssertGreaterThan(try walSize(), 0)
        try db.checkpoint()
        XCTAssertEqual(try walSize(), 0)
        XCTAssertEqual(try db.scalar("SELECT length(x) FROM t", as: Int.self), 10000)
    }

    func testPoolCheckpointAndIntegrityCheck() throws {
        let pool = try DatabasePool(path: path(), readerCount: 1)
        try pool.write { try $0.execute("CREATE TABLE t (x); CREATE INDEX t_x ON t(x); INSERT INTO t VALUES (1), (2)") }
        XCTAssertNoThrow(try pool.checkpoint())
        XCTAssertEqual(try walSize(), 0)
        XCTAssertEqual(try pool.integrityCheck(), [])
    }

    func testIntegrityCheckOfSoundDatabaseIsEmpty() throws {
        let db = try openDatabase()
        try db.execute("CREATE TABLE t (x UNIQUE); INSERT INTO t VALUES ('a'), ('b')")
        XCTAssertEqual(try db.integrityCheck(), [])
    }
}
