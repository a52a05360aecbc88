import CSQLite
import Foundation
import Synchronization
import XCTest
@testable import SQLiteDB

private struct Abort: Error {}

final class DatabasePoolTests: TemporaryDirectoryTestCase {
    private func makePool(readers: Int = 3) throws -> DatabasePool {
        let pool = try DatabasePool(path: path(), readerCount: readers)
        try pool.write { try $0.execute("CREATE TABLE reports (id INTEGER PRIMARY KEY, body TEXT NOT NULL)") }
        return pool
    }

    func testAllConnectionsConfiguredAlike() throws {
        let pool = try makePool()
        let pragmas = "SELECT (SELECT journal_mode FROM pragma_journal_mode), (SELECT foreign_keys FROM pragma_foreign_keys), (SELECT secure_delete FROM pragma_secure_delete), (SELECT trusted_schema FROM pragma_trusted_schema), (SELECT synchronous FROM pragma_synchronous)"
        let expected: [SQLValue] = ["wal", 1, 1, 0, 2]
        XCTAssertEqual(try pool.write { try $0.queryOne(pragmas)?.values }, expected)
        for _ in 0..<6 {
            XCTAssertEqual(try pool.read { try $0.queryOne(pragmas)?.values }, expected)
        }
    }

    func testReadersAreQueryOnly() throws {
        let pool = try makePool()
        XCTAssertThrowsError(try pool.read { try $0.execute("INSERT INTO reports (body) VALUES ('x')") })
    }

    func testWriteCommitsAndRollsBack() throws {
        let pool = try makePool()
        try pool.write { try $0.execute("INSERT INTO reports (body) VALUES (?)", ["kept"]) }
        XCTAssertThrowsError(try pool.write { db in
            try db.execute("INSERT INTO reports (body) VALUES (?)", ["gone"])
            throw Abort()
        })
        XCTAssertEqual(try pool.read { try $0.query("SELECT body FROM reports").map { try $0.string(0) } }, ["kept"])
    }

    func testReadersSeeCommittedDataWhileWriterHoldsTransaction() throws {
        let pool = try makePool()
        try pool.write { try $0.execute("INSERT INTO reports (body) VALUES ('committed')") }
        try pool.write { db in
            try db.execute("INSERT INTO reports (body) VALUES ('pending')")
            // The writer's transaction is open; a reader neither blocks nor sees the pending row.
            let seen = try pool.read { try $0.query("SELECT body FROM reports").map { try $0.string(0) } }
            XCTAssertEqual(seen, ["committed"])
            // From another thread too.
            let fromThread = Mutex<Int?>(nil)
            let done = DispatchSemaphore(value: 0)
            Thread.detachNewThread {
                fromThread.withLock { $0 = try? pool.read { try $0.scalar("SELECT count(*) FROM reports", as: Int.self) } }
                done.signal()
            }
            XCTAssertEqual(done.wait(timeout: .now() + 5), .success)
            XCTAssertEqual(fromThread.withLock { $0 }, 1)
        }
        XCTAssertEqual(try pool.read { try $0.scalar("SELECT count(*) FROM reports", as: Int.self) }, 2)
    }

    func testConcurrentWritesAndReadsFromManyThreads() throws {
        let pool = try makePool(readers: 2)
        let failures = Mutex<[String]>([])
        let perThread = 50
        DispatchQueue.concurrentPerform(iterations: 6) { thread in
            do {
                for n in 0..<perThread {
                    if thread % 2 == 0 {
                        try pool.write { try $0.execute("INSERT INTO reports (body) VALUES (?)", [.text("t\(thread)-\(n)")]) }
                    } else {
                        _ = try pool.read { try $0.scalar("SELECT count(*) FROM reports", as: Int.self) }
                    }
                }
            } catch {
                failures.withLock { $0.append("\(error)") }
            }
        }
        XCTAssertEqual(failures.withLock { $0 }, [])
        XCTAssertEqual(try pool.read { try $0.scalar("SELECT count(*) FROM reports", as: Int.self) }, 3 * perThread)
    }

    func testCloseIsIdempotent() throws {
        let pool = try makePool()
        try pool.close()
        try pool.close()
        XCTAssertThrowsError(try pool.read { try $0.scalar("SELECT 1") })
    }
}
