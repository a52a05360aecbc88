@testable import Casefile
import Casework
@testable import Commands
import Foundation
import SQLiteDB
import TestSupport
import Vault
import XCTest

/// `candor audit rotate`: the chain is carried over by one entry under the old key, `verify`
/// walks across it with the keys in Keys/, every roster seal moves to the new key, and a roster
/// row changed outside Candor stops the rotation instead of being laundered.
final class AuditRotateCommandTests: XCTestCase {
    var world: World!

    override func setUpWithError() throws {
        world = try World()
        try world.standardRoster()
        _ = try world.submit(ReportDraft(category: "bribery", narrative: "AUDIT-ROTATE"))
    }

    var folderArgs: [String] { ["--data", world.dataFolder.path, "--keys", world.keys.url.path] }
    func keyFile(_ name: String) -> URL { world.keys.url.appendingPathComponent(name) }

    func reopen() throws {
        world.ledger = try Ledger(dataFolder: world.dataFolder, keys: try KeyFolder(url: world.keys.url), settings: world.settings,
                                  passwordParameters: World.fastParameters)
    }

    func testTheChainIsCarriedOverAndEveryRosterSealMoves() throws {
        let before = try world.ledger.auditCheckpoint().line
        let oldKey = try Data(contentsOf: keyFile("audit.key"))
        try world.ledger.close()
        XCTAssertEqual(CandorCLI.main(["audit", "rotate"] + folderArgs), 0)
        XCTAssertEqual(try Data(contentsOf: keyFile("audit.key.retired-1")), oldKey)
        XCTAssertNotEqual(try Data(contentsOf: keyFile("audit.key")), oldKey)
        try reopen()
        let ledger = world.ledger!
        // Entries after the rotation, under the new key; the roster seals hold under it (a login
        // checks its account's seal), and the walk crosses the rotation.
        guard case .success = try ledger.login("head", password: World.password, totpCode: "") else { return XCTFail("head logs in") }
        XCTAssertEqual(try ledger.pool.read { db in try ledger.audit.unsealedAccounts(db) }, [])
        guard case .success(let count) = try ledger.verifyAudit() else { return XCTFail("the chain breaks across the rotation") }
        let rotation = try ledger.pool.read { db in try db.scalar("SELECT id FROM audit_log WHERE action = 'audit_key_rotated'", as: Int.self) }
        XCTAssertNotNil(rotation)
        XCTAssertGreaterThan(count, rotation ?? .max)
        // A checkpoint taken before the rotation still reads and verifies.
        guard case .success = try ledger.verifyAudit(against: try ledger.readAuditCheckpoint(before)) else { return XCTFail("the old checkpoint") }
        XCTAssertEqual(CandorCLI.main(["audit", "verify"] + folderArgs), 0)
    }

    /// Someone who kept a copy of the old key appends an entry after the rotation under it:
    /// the walk, on the new key by then, finds it. And without the retired key nothing before
    /// the rotation can be checked, which verify says rather than passing.
    func testTheOldKeyCannotExtendTheChainAndTheRetiredKeyIsNeeded() throws {
        let oldKey = SecureBytes(Array(try Data(contentsOf: keyFile("audit.key"))))
        try world.ledger.close()
        XCTAssertEqual(CandorCLI.main(["audit", "rotate"] + folderArgs), 0)
        try reopen()
        try world.ledger.pool.write { db in
            try AuditLog(key: oldKey).append(db, actor: "staff:1", action: "case_view", detail: "forged under the old key")
        }
        guard case .failure(let broken) = try world.ledger.verifyAudit() else { return XCTFail("the forged entry is found") }
        XCTAssertTrue(broken.reason.contains("altered"), broken.reason)
        try world.ledger.close()

        let other = try World()
        try other.standardRoster()
        try other.ledger.close()
        XCTAssertEqual(CandorCLI.main(["audit", "rotate", "--data", other.dataFolder.path, "--keys", other.keys.url.path]), 0)
        try FileManager.default.removeItem(at: other.keys.url.appendingPathComponent("audit.key.retired-1"))
        XCTAssertEqual(CandorCLI.main(["audit", "verify", "--data", other.dataFolder.path, "--keys", other.keys.url.path]), 1)
    }

    func testAChangedRosterRowStopsTheRotation() throws {
        try world.ledger.pool.write { db in
            for name in try db.query("SELECT name FROM sqlite_master WHERE type = 'trigger'").map({ try $0.string("name")! }) {
                try db.execute("DROP TRIGGER \(name)")
            }
            try db.execute("UPDATE accounts SET role = 'head' WHERE login = 'inspector1'")
        }
        let entries = try world.ledger.pool.read { db in try db.scalar("SELECT count(*) FROM audit_log", as: Int.self) }
        let oldKey = try Data(contentsOf: keyFile("audit.key"))
        try world.ledger.close()
        XCTAssertEqual(CandorCLI.main(["audit", "rotate"] + folderArgs), 1)
        XCTAssertEqual(try Data(contentsOf: keyFile("audit.key")), oldKey)
        for name in ["audit.key.new", "audit.key.retired-1"] {
            XCTAssertFalse(FileManager.default.fileExists(atPath: keyFile(name).path), name)
        }
        try reopen()
        XCTAssertEqual(try world.ledger.pool.read { db in try db.scalar("SELECT count(*) FROM audit_log", as: Int.self) }, entries)
    }
}
