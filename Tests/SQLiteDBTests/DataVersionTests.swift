import Foundation
import XCTest
@testable import SQLiteDB

/// `DatabasePool.dataVersion()` is what the gateway's page cache trusts to notice a change to
/// the staff accounts, from this process or from the CLI: it must move on every commit and only then.
final class DataVersionTests: TemporaryDirectoryTestCase {
    func testMovesOnlyWhenSomethingWasCommitted() throws {
        let pool = try DatabasePool(path: path(), readerCount: 1)
        try pool.write { try $0.execute("CREATE TABLE t (x INTEGER)") }
        let first = try pool.dataVersion()
        XCTAssertEqual(try pool.dataVersion(), first, "no commit, no change")
        _ = try pool.read { try $0.query("SELECT x FROM t") }
        XCTAssertEqual(try pool.dataVersion(), first, "a read is not a change")

        try pool.write { try $0.execute("INSERT INTO t VALUES (1)") }
        let second = try XCTUnwrap(try pool.dataVersionIfIdle(), "nobody else is asking")
        XCTAssertNotEqual(second, first, "the pool's own writer committed")
        XCTAssertEqual(try pool.dataVersion(), second)

        struct Abort: Error {}
        XCTAssertThrowsError(try pool.write { db in
            try db.execute("INSERT INTO t VALUES (2)")
            throw Abort()
        })
        XCTAssertEqual(try pool.dataVersion(), second, "a rolled-back write changes nothing")
    }

    func testSeesCommitsOfAnotherProcessesConnection() throws {
        let file = path()
        let pool = try DatabasePool(path: file, readerCount: 1)
        try pool.write { try $0.execute("CREATE TABLE t (x INTEGER)") }
        let before = try pool.dataVersion()
        // A second pool on the same file stands for `candor user add` run beside the server.
        let other = try DatabasePool(path: file, readerCount: 1)
        try other.write { try $0.execute("INSERT INTO t VALUES (1)") }
        XCTAssertNotEqual(try pool.dataVersion(), before)
        try other.close()
    }

    func testDoesNotHoldASnapshotThatWouldStopCheckpoints() throws {
        let pool = try DatabasePool(path: path(), readerCount: 1)
        try pool.write { try $0.execute("CREATE TABLE t (x INTEGER)") }
        _ = try pool.dataVersion()
        try pool.write { try $0.execute("INSERT INTO t VALUES (1)") }
        // A TRUNCATE checkpoint fails with SQLITE_BUSY while any connection holds a read transaction.
        XCTAssertNoThrow(try pool.checkpoint())
        let wal = try FileManager.default.attributesOfItem(atPath: pool.path + "-wal")[.size] as? Int
        XCTAssertEqual(wal, 0, "the whole log was checkpointed and truncated")
    }

    func testClosedPoolRefuses() throws {
        let pool = try DatabasePool(path: path(), readerCount: 1)
        _ = try pool.dataVersion()
        try pool.close()
        XCTAssertThrowsError(try pool.dataVersion())
    }
}
