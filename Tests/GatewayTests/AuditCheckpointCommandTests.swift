@testable import Casefile
@testable import Commands
import Foundation
import SQLiteDB
import XCTest

/// Issue 14, finding 3: the end of the audit log could be cut off unnoticed, because a shorter
/// chain is still a valid chain. A checkpoint kept outside the server names the count and the
/// MAC of the last entry; verifying against it finds the cut.
final class AuditCheckpointCommandTests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("ckpt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try Data("correct horse battery staple\n".utf8).write(to: root.appendingPathComponent("pw"))
    }

    override func tearDownWithError() throws { try FileManager.default.removeItem(at: root) }

    var common: [String] { ["--data", root.appendingPathComponent("data").path, "--keys", root.appendingPathComponent("keys").path] }
    var checkpointFile: URL { root.appendingPathComponent("checkpoint.txt") }

    func initialiseWithUsers() throws {
        XCTAssertEqual(CandorCLI.main(["init", "--admin", "root", "--password-file", root.appendingPathComponent("pw").path] + common), 0)
        for login in ["head", "inspector1", "auditor"] {
            let role = login == "inspector1" ? "inspector" : login
            XCTAssertEqual(CandorCLI.main(["user", "add", login, "--name", "用户\(login)", "--role", role,
                                           "--password-file", root.appendingPathComponent("pw").path] + common), 0)
        }
    }

    /// The attacker holds the database file (not Keys/): drops the triggers that refuse deletes
    /// and deletes the newest entries, which would name what they did last.
    func cutTheTail(_ n: Int) throws -> Int {
        let db = try Database(path: root.appendingPathComponent("data/candor.sqlite").path)
        defer { try? db.close() }
        try db.execute("DROP TRIGGER audit_log_no_delete")
        let last = try XCTUnwrap(try db.scalar("SELECT max(id) FROM audit_log", as: Int.self))
        try db.execute("DELETE FROM audit_log WHERE id > ?", [.integer(Int64(last - n))])
        return last
    }

    func testCutTailPassesPlainVerifyButFailsAgainstACheckpointTakenBefore() throws {
        try initialiseWithUsers()
        XCTAssertEqual(CandorCLI.main(["audit", "checkpoint", "--out", checkpointFile.path] + common), 0)
        let line = try String(contentsOf: checkpointFile, encoding: .utf8)
        XCTAssertTrue(line.hasPrefix("candor-audit-checkpoint v1 count="), line)
        XCTAssertEqual(CandorCLI.main(["audit", "checkpoint", "--out", checkpointFile.path] + common), 1, "an older checkpoint is never overwritten")
        XCTAssertEqual(try String(contentsOf: checkpointFile, encoding: .utf8), line)
        XCTAssertEqual(CandorCLI.main(["audit", "verify", "--checkpoint", checkpointFile.path] + common), 0, "intact log matches its checkpoint")

        let last = try cutTheTail(2)
        XCTAssertEqual(CandorCLI.main(["audit", "verify"] + common), 0, "the chain alone cannot see a cut tail: that is the finding")
        XCTAssertEqual(CandorCLI.main(["audit", "verify", "--checkpoint", checkpointFile.path] + common), 1, "a cut below the checkpoint is found")
        let ledger = try CandorCLI.openLedger(try Arguments(common))
        defer { try? ledger.close() }
        let checkpoint = try ledger.readAuditCheckpoint(line)
        guard case .failure(let cut) = try ledger.verifyAudit(against: checkpoint) else { return XCTFail("cut not found") }
        XCTAssertEqual(cut.entryID, Int64(last - 1), "the first missing entry is named")
        XCTAssertTrue(cut.reason.contains("\(last)"), "the reason names the checkpoint's count: \(cut.reason)")
    }

    func testCheckpointWithAWrongOwnMACIsRefusedAsDamaged() throws {
        try initialiseWithUsers()
        XCTAssertEqual(CandorCLI.main(["audit", "checkpoint", "--out", checkpointFile.path] + common), 0)
        let line = try String(contentsOf: checkpointFile, encoding: .utf8)
        // A one-digit slip in the count, as when the line is copied by hand.
        let count = try XCTUnwrap(line.split(separator: " ").first { $0.hasPrefix("count=") }.flatMap { Int($0.dropFirst(6)) })
        let typo = line.replacingOccurrences(of: "count=\(count) ", with: "count=\(count - 1) ")
        XCTAssertNotEqual(typo, line)
        try Data(typo.utf8).write(to: checkpointFile)
        XCTAssertEqual(CandorCLI.main(["audit", "verify", "--checkpoint", checkpointFile.path] + common), 1)
        let ledger = try CandorCLI.openLedger(try Arguments(common))
        defer { try? ledger.close() }
        XCTAssertThrowsError(try ledger.readAuditCheckpoint(typo)) { error in
            XCTAssertTrue(error is AuditCheckpoint.Damaged, "\(error)")
        }
        XCTAssertThrowsError(try ledger.readAuditCheckpoint("not a checkpoint")) { XCTAssertTrue($0 is AuditCheckpoint.Damaged) }
    }

    func testRewrittenTailWithTheAuditKeyIsFound() throws {
        try initialiseWithUsers()
        XCTAssertEqual(CandorCLI.main(["audit", "checkpoint", "--out", checkpointFile.path] + common), 0)
        // Whoever also holds Keys/audit.key can delete and re-chain new entries up to the same
        // count; the MAC at the checkpoint's count then differs.
        let last = try cutTheTail(1)
        let ledger = try CandorCLI.openLedger(try Arguments(common))
        defer { try? ledger.close() }
        try ledger.recordStaffEvent(accountID: 1, action: "login")
        guard case .failure(let broken) = try ledger.verifyAudit(against: try ledger.readAuditCheckpoint(String(contentsOf: checkpointFile, encoding: .utf8))) else {
            return XCTFail("rewritten tail not found")
        }
        XCTAssertEqual(broken.entryID, Int64(last))
        XCTAssertEqual(CandorCLI.main(["audit", "verify", "--checkpoint", checkpointFile.path] + common), 1)
    }
}
