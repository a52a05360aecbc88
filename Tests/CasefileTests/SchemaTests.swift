import Foundation
@testable import SQLiteDB
import XCTest
@testable import Casefile

/// Migration 0012 (issue 14) rebuilds `rewards` and `identity_requests` so that their old
/// plaintext columns can be empty: every row from before must come through, ids included (the
/// audit log names requests by id), until the next staff open seals them (LegacyPlaintextTests).
final class SchemaTests: XCTestCase {
    func testMigration0012KeepsEveryOldRowAndTheTriggersOfTheRebuiltTables() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("candor-schema-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = try Database(path: folder.appendingPathComponent("old.sqlite").path)
        defer { try? db.close() }
        var before = Migrator()
        for migration in Schema.migrator.migrations.prefix(10) { before.register(migration.name, migration.body) }
        try before.migrate(db)
        try db.execute("""
            INSERT INTO accounts(id, login, display_name, role, password_hash, public_key, private_key_enc, created_at)
              VALUES (7, 'inspector', 'I', 'inspector', 'x', x'00', x'00', 0);
            INSERT INTO cases(id, ref, register_year, register_seq, channel, category, state, real_name, confidential, received_day)
              VALUES (3, 'ref3', 2026, 5, 'online', 'bribery', 'concluded', 1, 0, 100);
            INSERT INTO rewards(case_id, verified_loss_fen, state, exclusions, amount_fen, approvals, claim_ref)
              VALUES (3, 6123456789, 'proposed', 'earlier report JB-2026-000001', 498761, 'chairman', 'JL-AAAA-BBBB');
            INSERT INTO identity_requests(id, case_id, account_id, reason_slot, state, decided_by) VALUES (9, 3, 7, 'slot9', 'granted', 7);
            """)

        try Schema.migrator.migrate(db)

        let reward = try XCTUnwrap(try db.queryOne("SELECT * FROM rewards WHERE case_id = 3"))
        XCTAssertEqual(try reward.int("verified_loss_fen"), 6_123_456_789, "the old figures wait for the next staff open")
        XCTAssertEqual(try reward.string("exclusions"), "earlier report JB-2026-000001")
        XCTAssertEqual(try reward.int("amount_fen"), 498_761)
        XCTAssertEqual(try reward.string("approvals"), "chairman")
        XCTAssertEqual(try reward.string("claim_ref"), "JL-AAAA-BBBB")
        let request = try XCTUnwrap(try db.queryOne("SELECT * FROM identity_requests WHERE id = 9"))
        XCTAssertEqual(try request.int("account_id"), 7)
        XCTAssertEqual(try request.string("state"), "granted")

        // The new code's rows: no figure, no requester; request ids never reused.
        try db.execute("UPDATE rewards SET verified_loss_fen = NULL, exclusions = NULL, amount_fen = NULL WHERE case_id = 3")
        try db.execute("DELETE FROM identity_requests WHERE id = 9")
        try db.execute("INSERT INTO identity_requests(case_id, reason_slot, state) VALUES (3, 'slot10', 'pending')")
        XCTAssertEqual(db.lastInsertRowID, 10)
        XCTAssertThrowsError(try db.execute("UPDATE rewards SET state = 'paid' WHERE case_id = 3"), "paid only against a check, still")
        try db.execute("UPDATE cases SET purged_day = 200 WHERE id = 3")
        try db.execute("DELETE FROM rewards WHERE case_id = 3")
        XCTAssertThrowsError(try db.execute("INSERT INTO rewards(case_id, state) VALUES (3, 'assessed')"), "nothing is written into a purged case")
    }
}
