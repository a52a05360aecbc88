import Foundation
import SQLiteDB
import Vault
import XCTest
@testable import Casefile

final class AuditLogTests: XCTestCase {
    var db: Database!
    var folder: URL!
    let log = AuditLog(key: SecureBytes(Array(repeating: 7, count: 32)))

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("audit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        db = try Database(path: folder.appendingPathComponent("a.sqlite").path)
        _ = try Schema.migrator.migrate(db)
        for i in 1...5 {
            try log.append(db, actor: "staff:\(i)", action: "case_view", caseRef: "ref\(i)", detail: "n=\(i)", at: 1_000 + Int64(i))
        }
    }

    override func tearDownWithError() throws {
        try db.close()
        try FileManager.default.removeItem(at: folder)
    }

    /// What an attacker with write access to the file does first: drop the append-only triggers.
    func dropTriggers() throws {
        try db.execute("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;")
    }

    func testIntactChainVerifies() throws {
        XCTAssertEqual(try log.verify(db), .success(5))
    }

    func testTriggersRefuseEdits() {
        XCTAssertThrowsError(try db.execute("UPDATE audit_log SET detail = 'x' WHERE id = 2"))
        XCTAssertThrowsError(try db.execute("DELETE FROM audit_log WHERE id = 2"))
    }

    func testAlteredEntryIsFound() throws {
        try dropTriggers()
        try db.execute("UPDATE audit_log SET actor = 'staff:9' WHERE id = 3")
        XCTAssertEqual(try log.verify(db), .failure(AuditLog.Break(entryID: 3, reason: "the entry was altered, or an entry before it was")))
    }

    func testDeletedEntryIsFound() throws {
        try dropTriggers()
        try db.execute("DELETE FROM audit_log WHERE id = 2")
        guard case .failure(let b) = try log.verify(db) else { return XCTFail("deletion not found") }
        XCTAssertEqual(b.entryID, 2)
    }

    func testDeletedLastEntriesAreNotFoundByTheChainAlone() throws {
        // Cutting the tail leaves a valid shorter chain: the count is what shows it, which is
        // why `verify` reports the number of entries and the auditor compares it.
        try dropTriggers()
        try db.execute("DELETE FROM audit_log WHERE id = 5")
        XCTAssertEqual(try log.verify(db), .success(4))
    }

    func testReorderedOrForgedEntryIsFound() throws {
        try dropTriggers()
        try db.execute("UPDATE audit_log SET at = 999 WHERE id = 4")
        guard case .failure(let b) = try log.verify(db) else { return XCTFail("reorder not found") }
        XCTAssertEqual(b.entryID, 4)
        // A forger without the key cannot make a valid MAC for a new entry either.
        let forger = AuditLog(key: SecureBytes(Array(repeating: 8, count: 32)))
        try db.execute("UPDATE audit_log SET at = 1004 WHERE id = 4")
        try forger.append(db, actor: "staff:1", action: "forged", detail: "", at: 2_000)
        guard case .failure(let f) = try log.verify(db) else { return XCTFail("forgery not found") }
        XCTAssertEqual(f.entryID, 6)
    }
}
