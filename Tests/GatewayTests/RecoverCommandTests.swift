@testable import Casefile
import Casework
@testable import Commands
@testable import ConsoleSite
import Foundation
@testable import Gateway
@testable import ReporterSite
import SQLiteDB
@testable import SiteKit
import Vault
import XCTest

final class RecoverCommandTests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("recover-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try Data("correct horse battery staple\n".utf8).write(to: path("pw"))
        try Data("a brand new long passphrase\n".utf8).write(to: path("pw2"))
    }

    override func tearDownWithError() throws { try FileManager.default.removeItem(at: root) }

    func path(_ name: String) -> URL { root.appendingPathComponent(name) }
    var common: [String] { ["--data", path("data").path, "--keys", path("keys").path] }

    func ledger() throws -> Ledger {
        try Ledger(dataFolder: path("data"), keys: try KeyFolder(url: path("keys")), settings: .default)
    }

    /// An installation with a head who holds one report.
    func installation() throws -> String {
        XCTAssertEqual(CandorCLI.main(["init", "--admin", "root", "--password-file", path("pw").path,
                                       "--recovery-key-out", path("recovery.key").path] + common), 0)
        XCTAssertEqual(CandorCLI.main(["user", "add", "head", "--name", "王建国", "--role", "head", "--password-file", path("pw").path] + common), 0)
        let l = try ledger()
        defer { try? l.close() }
        let staging = try l.beginIntake()
        return try l.submit(ReportDraft(category: "bribery", narrative: "CLI-RECOVER", accused: [AccusedPerson(name: "外部人员", post: "包工头")]),
                            staging: staging).caseRef
    }

    func headOpens(_ ref: String, password: String) throws -> Bool {
        let l = try ledger()
        defer { try? l.close() }
        guard case .success(let unlock) = try l.login("head", password: password, totpCode: "") else { return false }
        if case .granted = try l.staffCase(ref: ref, accountID: unlock.account.id, key: unlock.key, action: .view) { return true }
        return false
    }

    func testResetThenRecoverWithTheRightKeyRestoresAccess() throws {
        let ref = try installation()
        XCTAssertTrue(try headOpens(ref, password: "correct horse battery staple"))
        XCTAssertEqual(CandorCLI.main(["user", "reset", "head", "--password-file", path("pw2").path] + common), 0)
        XCTAssertFalse(try headOpens(ref, password: "a brand new long passphrase"), "the reset lost the grant")

        XCTAssertEqual(CandorCLI.main(["recover", "--recovery-key", path("recovery.key").path, "--to", "head", "--all-assigned"] + common), 0)
        XCTAssertTrue(try headOpens(ref, password: "a brand new long passphrase"))
        XCTAssertEqual(CandorCLI.main(["recover", "--recovery-key", path("recovery.key").path, "--to", "head", "--case", ref] + common), 0,
                       "a second run finds the grant in place")
        XCTAssertEqual(CandorCLI.main(["audit", "verify"] + common), 0)
    }

    func testAWrongOrBrokenKeyFileFailsAndChangesNothing() throws {
        let ref = try installation()
        XCTAssertEqual(CandorCLI.main(["user", "reset", "head", "--password-file", path("pw2").path] + common), 0)
        try RecoveryKeyFile.writeNew(RecoveryKeyFile.encode(try X25519PrivateKey()), to: path("other.key").path)
        XCTAssertEqual(CandorCLI.main(["recover", "--recovery-key", path("other.key").path, "--to", "head", "--all-assigned"] + common), 1)
        try Data("not a key\n".utf8).write(to: path("junk.key"))
        XCTAssertEqual(CandorCLI.main(["recover", "--recovery-key", path("junk.key").path, "--to", "head", "--all-assigned"] + common), 1)
        XCTAssertEqual(CandorCLI.main(["recover", "--recovery-key", path("recovery.key").path, "--to", "head"] + common), 1,
                       "one of --case or --all-assigned is required")
        XCTAssertFalse(try headOpens(ref, password: "a brand new long passphrase"))
        XCTAssertThrowsError(try RecoveryKeyFile.decode("not a key")) { error in
            XCTAssertTrue("\(error)".contains("not a Candor recovery key file"))
        }
    }

    /// The README's form, `--split-keys` last: a flag, not an option waiting for a value.
    func testSplitKeysAsTheReadmeWritesIt() throws {
        _ = try installation()
        XCTAssertEqual(CandorCLI.main(["recover"] + common + ["--recovery-key", path("recovery.key").path, "--split-keys"]), 0)
        XCTAssertEqual(CandorCLI.main(["recover", "--recovery-key", path("recovery.key").path, "--split-keys"] + common), 0)
    }

    func testHelpListsRecoverAndReset() {
        XCTAssertTrue(CandorCLI.usage.contains("\n  recover "))
        XCTAssertTrue(CandorCLI.usage.contains("user reset LOGIN"))
    }
}
