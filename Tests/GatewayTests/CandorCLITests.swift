@testable import Casefile
@testable import Commands
@testable import ConsoleSite
import Foundation
@testable import Gateway
@testable import ReporterSite
import SQLiteDB
@testable import SiteKit
import XCTest

final class CandorCLITests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try Data("correct horse battery staple\n".utf8).write(to: root.appendingPathComponent("pw"))
    }

    override func tearDownWithError() throws { try FileManager.default.removeItem(at: root) }

    var common: [String] { ["--data", root.appendingPathComponent("data").path, "--keys", root.appendingPathComponent("keys").path] }

    func testHelpListsTheCommands() {
        for name in ["init", "user", "audit"] { XCTAssertTrue(CandorCLI.usage.contains("\n  \(name) ")) }
        XCTAssertEqual(CandorCLI.main(["--help"]), 0)
        XCTAssertEqual(CandorCLI.main(["no-such-command"]), 2)
    }

    func testInitWritesRecoveryKeyOnceAndRefusesASecondInit() throws {
        let out = root.appendingPathComponent("recovery.key").path
        XCTAssertEqual(CandorCLI.main(["init", "--admin", "root", "--password-file", root.appendingPathComponent("pw").path,
                                       "--recovery-key-out", out] + common), 0)
        let text = try String(contentsOfFile: out, encoding: .utf8)
        let key = try RecoveryKeyFile.decode(text)
        let folder = try KeyFolder(url: root.appendingPathComponent("keys"))
        XCTAssertEqual(key.publicKey, folder.recoveryPublicKey)
        let keyFiles = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("keys").path).sorted()
        // Issue 17 added the department signing key pair; the recovery private half is still never kept.
        XCTAssertEqual(keyFiles, ["audit.key", "pepper", "recovery.pub", "signing.key", "signing.pub"], "the private half is never kept")
        XCTAssertEqual(CandorCLI.main(["init", "--admin", "root", "--password-file", root.appendingPathComponent("pw").path] + common), 1)
    }

    func testWeakAdminPasswordRefused() throws {
        try Data("short\n".utf8).write(to: root.appendingPathComponent("weak"))
        XCTAssertEqual(CandorCLI.main(["init", "--admin", "root", "--password-file", root.appendingPathComponent("weak").path] + common), 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.appendingPathComponent("keys").path))
    }

    func testAuditVerifyExitsNonZeroOnTampering() throws {
        XCTAssertEqual(CandorCLI.main(["init", "--admin", "root", "--password-file", root.appendingPathComponent("pw").path] + common), 0)
        XCTAssertEqual(CandorCLI.main(["user", "add", "head", "--name", "王建国", "--role", "head",
                                       "--password-file", root.appendingPathComponent("pw").path] + common), 0)
        XCTAssertEqual(CandorCLI.main(["audit", "verify"] + common), 0)
        let db = try Database(path: root.appendingPathComponent("data/candor.sqlite").path)
        try db.execute("DROP TRIGGER audit_log_no_update")
        try db.execute("UPDATE audit_log SET detail = 'account=1 role=head' WHERE id = 1")
        try db.close()
        XCTAssertEqual(CandorCLI.main(["audit", "verify"] + common), 1)
    }

    func testUserAddRecordsThePostMatchedAgainstReports() throws {
        XCTAssertEqual(CandorCLI.main(["init", "--admin", "root", "--password-file", root.appendingPathComponent("pw").path] + common), 0)
        XCTAssertEqual(CandorCLI.main(["user", "add", "buyer", "--name", "孙立", "--role", "inspector", "--post", "采购部经理",
                                       "--password-file", root.appendingPathComponent("pw").path] + common), 0)
        let db = try Database(path: root.appendingPathComponent("data/candor.sqlite").path)
        defer { try? db.close() }
        XCTAssertEqual(try db.scalar("SELECT post FROM accounts WHERE login = 'buyer'", as: String.self), "采购部经理")
    }

    func testUnknownOptionIsAnError() {
        XCTAssertEqual(CandorCLI.main(["audit", "verify", "--kyes", "/tmp/x"] + common), 1)
    }
}
