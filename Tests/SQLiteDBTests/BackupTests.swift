import Foundation
import Synchronization
import XCTest
@testable import SQLiteDB

final class BackupTests: TemporaryDirectoryTestCase {
    func testBackupOfConnectionOpensWithRows() throws {
        let db = try openDatabase()
        try db.execute("CREATE TABLE t (x TEXT)")
        try db.transaction { db in
            for i in 0..<100 { try db.execute("INSERT INTO t VALUES (?)", [.text("row \(i)")]) }
        }
        try db.backup(to: path("copy.sqlite"))

        let attributes = try FileManager.default.attributesOfItem(atPath: path("copy.sqlite"))
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        let copy = try openDatabase("copy.sqlite")
        XCTAssertEqual(try copy.scalar("SELECT count(*) FROM t", as: Int.self), 100)
        XCTAssertEqual(try copy.integrityCheck(), [])
    }

    func testBackupRefusesExistingFile() throws {
        let db = try openDatabase()
        XCTAssertTrue(FileManager.default.createFile(atPath: path("exists"), contents: Data("keep".utf8)))
        XCTAssertThrowsError(try db.backup(to: path("exists")))
        XCTAssertEqual(FileManager.default.contents(atPath: path("exists")), Data("keep".utf8))
    }

    func testPoolBackupIsConsistentWhileWriting() throws {
        let pool = try DatabasePool(path: path(), readerCount: 2)
        try pool.write { db in
            try db.execute("CREATE TABLE t (x BLOB)")
            // Enough pages that the backup takes many steps.
            for _ in 0..<400 { try db.execute("INSERT INTO t VALUES (randomblob(2000))") }
        }
        let before = try pool.read { try $0.scalar("SELECT count(*) FROM t", as: Int.self) }

        let progress = Mutex<[BackupProgress]>([])
        let stop = Atomic<Bool>(false)
        let writes = Atomic<Int>(0)
        let failures = Mutex<[String]>([])
        let writesAtStep = Mutex<[Int]>([])
        let writer = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            while !stop.load(ordering: .relaxed) {
                // Every write must succeed while the backup runs; a failure is recorded, not hidden.
                do {
                    try pool.write { try $0.execute("INSERT INTO t VALUES (randomblob(2000))") }
                    writes.add(1, ordering: .relaxed)
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
            }
            writer.signal()
        }
        try pool.backup(to: path("copy.sqlite"), pagesPerStep: 8) { step in
            progress.withLock { $0.append(step) }
            writesAtStep.withLock { $0.append(writes.load(ordering: .relaxed)) }
            // Give the writer room to commit between steps.
            usleep(500)
        }
        stop.store(true, ordering: .relaxed)
        XCTAssertEqual(writer.wait(timeout: .now() + 10), .success)

        let steps = progress.withLock { $0 }
        XCTAssertGreaterThan(steps.count, 10)
        XCTAssertEqual(steps.last?.remainingPages, 0)
        XCTAssertGreaterThan(steps.first?.totalPages ?? 0, 100)
        XCTAssertEqual(Set(steps.map(\.totalPages)).count, 1, "one snapshot: the page count never changed")
        let failed = failures.withLock { $0 }
        XCTAssertEqual(failed.count, 0, "writes failed during the backup, first: \(failed.first ?? "-")")
        let counted = writesAtStep.withLock { $0 }
        XCTAssertGreaterThan((counted.last ?? 0) - (counted.first ?? 0), 0, "writes committed between the backup's first and last steps")
        let total = writes.load(ordering: .relaxed)
        XCTAssertEqual(try pool.read { try $0.scalar("SELECT count(*) FROM t", as: Int.self) }, (before ?? 0) + total,
                       "every write the writer counted is in the database")

        let copy = try openDatabase("copy.sqlite")
        XCTAssertEqual(try copy.integrityCheck(), [])
        let copied = try XCTUnwrap(copy.scalar("SELECT count(*) FROM t", as: Int.self))
        XCTAssertGreaterThanOrEqual(copied, before ?? 0)
    }
}
