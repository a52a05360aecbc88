@testable import Casefile
import Casework
@testable import Commands
import Foundation
import SQLiteDB
import TestSupport
import Vault
import XCTest

/// `candor recovery rotate`: every recovery grant moves to the new key, the old key opens
/// nothing any more, and a wrong old key changes nothing.
final class RecoveryCommandTests: XCTestCase {
    var world: World!

    override func setUpWithError() throws {
        world = try World()
        try world.standardRoster()
        var draft = ReportDraft(category: "bribery", narrative: "ROTATE-NARRATIVE", accused: [AccusedPerson(name: "赵六", post: "队长")])
        draft.mode = .realName
        draft.identity = .init(name: "ROTATE-REPORTER", phone: "13900002222", otherContact: "")
        _ = try world.submit(draft)
        _ = try world.submit(ReportDraft(category: "bribery", narrative: "ROTATE-ANONYMOUS"))
    }

    func keyFile(_ key: X25519PrivateKey, _ name: String) throws -> String {
        let path = world.root.appendingPathComponent(name).path
        try RecoveryKeyFile.writeNew(RecoveryKeyFile.encode(key), to: path)
        return path
    }

    func rotate(old: String, out: String) -> Int32 {
        CandorCLI.main(["recovery", "rotate", "--old-key", old, "--out", out, "--data", world.dataFolder.path, "--keys", world.keys.url.path])
    }

    /// What the recovery grants open with `key`: per table, how many open.
    func opened(with key: X25519PrivateKey) throws -> [String: Int] {
        let recovery = RecoveryPrivateKey(key)
        let grants = try world.ledger.pool.read { db in try Grants.recoveryGrants(db) }
        var count: [String: Int] = [:]
        for g in grants {
            let ok: Bool
            switch g.table {
            case .caseKey:
                let inner = grants.first { $0.table == .internalKey && $0.caseID == g.caseID }?.bytes
                ok = (try? Grants.openCaseKeys(channel: g.bytes, internal: inner, ref: g.ref, with: recovery)) != nil
            case .internalKey:
                // Opens only together with its channel grant, and only as a two-key case.
                let channel = try XCTUnwrap(grants.first { $0.table == .caseKey && $0.caseID == g.caseID }).bytes
                if case .keys = try? Grants.openCaseKeys(channel: channel, internal: g.bytes, ref: g.ref, with: recovery) { ok = true } else { ok = false }
            case .identity: ok = (try? Grants.openIdentityKey(g.bytes, ref: g.ref, with: recovery)) != nil
            }
            if ok { count[g.table.rawValue, default: 0] += 1 }
        }
        return count
    }

    func testEveryRecoveryGrantMovesToTheNewKeyAndTheOldOneOpensNothing() throws {
        let old = try keyFile(world.recoveryKey, "old.key")
        let out = world.root.appendingPathComponent("new.key").path
        try world.ledger.close()
        XCTAssertEqual(rotate(old: old, out: out), 0)
        let new = try RecoveryKeyFile.decode(try String(contentsOfFile: out, encoding: .utf8))
        // The key folder and the database's fingerprint moved together: the ledger opens.
        let keys = try KeyFolder(url: world.keys.url)
        XCTAssertEqual(keys.recoveryPublicKey, new.publicKey)
        XCTAssertFalse(FileManager.default.fileExists(atPath: world.keys.url.appendingPathComponent("recovery.pub.new").path))
        world.ledger = try Ledger(dataFolder: world.dataFolder, keys: keys, settings: world.settings, passwordParameters: World.fastParameters)
        XCTAssertEqual(try opened(with: new), ["grants": 2, "internal_grants": 2, "identity_grants": 1])
        XCTAssertEqual(try opened(with: world.recoveryKey), [:])
        XCTAssertThrowsError(try world.ledger.recoverAccess(recoveryKey: RecoveryPrivateKey(world.recoveryKey), to: "head", caseRefs: nil))
        XCTAssertNoThrow(try world.ledger.recoverAccess(recoveryKey: RecoveryPrivateKey(new), to: "head", caseRefs: nil))
        let entries = try world.ledger.pool.read { db in
            try db.query("SELECT detail FROM audit_log WHERE action = 'recovery_key_rotated'").map { try $0.string("detail")! }
        }
        XCTAssertEqual(entries, ["cases=2 grants=5"])
        guard case .success = try world.ledger.verifyAudit() else { return XCTFail("the audit chain breaks") }
    }

    func testAWrongOldKeyChangesNothingAndLeavesNoNewKey() throws {
        let stranger = try keyFile(try X25519PrivateKey(), "stranger.key")
        let out = world.root.appendingPathComponent("new.key").path
        let pub = try Data(contentsOf: world.keys.url.appendingPathComponent("recovery.pub"))
        XCTAssertEqual(rotate(old: stranger, out: out), 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
        XCTAssertEqual(try Data(contentsOf: world.keys.url.appendingPathComponent("recovery.pub")), pub)
        XCTAssertEqual(try opened(with: world.recoveryKey), ["grants": 2, "internal_grants": 2, "identity_grants": 1])
    }

    /// A case whose rows a database writer changed stops the rotation before anything moves.
    func testATamperedCaseStopsTheRotation() throws {
        try world.ledger.pool.write { db in
            for name in try db.query("SELECT name FROM sqlite_master WHERE type = 'trigger'").map({ try $0.string("name")! }) {
                try db.execute("DROP TRIGGER \(name)")
            }
            try db.execute("UPDATE cases SET confidential = 1 - confidential WHERE id = (SELECT min(id) FROM cases)")
        }
        let old = try keyFile(world.recoveryKey, "old.key")
        let out = world.root.appendingPathComponent("new.key").path
        XCTAssertEqual(rotate(old: old, out: out), 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
        XCTAssertEqual(try opened(with: world.recoveryKey), ["grants": 2, "internal_grants": 2, "identity_grants": 1])
    }
}
