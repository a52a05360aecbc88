import Foundation
import SQLiteDB
import Vault
import XCTest
@testable import Casefile

final class AuditCheckpointTests: XCTestCase {
    var db: Database!
    var folder: URL!
    let key = SecureBytes(Array(repeating: 7, count: 32))
    var log: AuditLog { AuditLog(key: key) }

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("ckpt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        db = try Database(path: folder.appendingPathComponent("a.sqlite").path)
        _ = try Schema.migrator.migrate(db)
    }

    override func tearDownWithError() throws {
        try db.close()
        try FileManager.default.removeItem(at: folder)
    }

    func append(_ n: Int) throws {
        for i in 1...n { try log.append(db, actor: "staff:\(i)", action: "case_view", detail: "n=\(i)", at: 1_000 + Int64(i)) }
    }

    func checkpoint() throws -> AuditCheckpoint {
        let walk = try log.walk(db).get()
        return try AuditCheckpoint(count: walk.count, head: walk.head, at: 1_764_669_600, key: key)
    }

    func testLineReadsBackAndVerifiesWhileTheLogOnlyGrows() throws {
        try append(3)
        let taken = try checkpoint()
        XCTAssertEqual(taken.line.split(separator: " ").prefix(5).joined(separator: " "),
                       "candor-audit-checkpoint v1 count=3 head=\(hex(taken.head)) at=2025-12-02T10:00:00Z")
        XCTAssertEqual(try AuditCheckpoint.read(taken.line + "\n", key: key), taken)
        try append(2)
        XCTAssertEqual(try log.verify(db, against: taken), .success(5))
    }

    func testEmptyLogCheckpointAndCutToNothing() throws {
        let empty = try checkpoint()
        XCTAssertEqual(empty.count, 0)
        XCTAssertEqual(try log.verify(db, against: empty), .success(0))
        try append(2)
        let two = try checkpoint()
        try db.execute("DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log;")
        guard case .failure(let cut) = try log.verify(db, against: two) else { return XCTFail("cut to nothing not found") }
        XCTAssertEqual(cut.entryID, 1)
        XCTAssertEqual(cut.kind, .cutBelow(checkpointCount: 2))
    }

    func testDamagedOrForeignLinesAreRefused() throws {
        try append(2)
        let line = try checkpoint().line
        let otherKey = SecureBytes(Array(repeating: 8, count: 32))
        for bad in [line.replacingOccurrences(of: "count=2", with: "count=1"),
                    line.replacingOccurrences(of: "T10:00:00Z", with: "T10:00:01Z"),
                    String(line.dropLast()), "", "candor-audit-checkpoint v1 count=2"] {
            XCTAssertThrowsError(try AuditCheckpoint.read(bad, key: key), bad) { XCTAssertTrue($0 is AuditCheckpoint.Damaged) }
        }
        XCTAssertThrowsError(try AuditCheckpoint.read(line, key: otherKey)) { XCTAssertTrue($0 is AuditCheckpoint.Damaged) }
    }

    func testOnlyRealUTCTimesAreRead() {
        XCTAssertEqual(AuditCheckpoint.parseUTC("2026-12-02T10:00:00Z"), 1_796_205_600)
        XCTAssertNil(AuditCheckpoint.parseUTC("2026-02-31T10:00:00Z"))
        XCTAssertNil(AuditCheckpoint.parseUTC("2026-12-02 10:00:00Z"))
        XCTAssertNil(AuditCheckpoint.parseUTC("2026-12-02T10:00:00+08:00"))
    }
}
