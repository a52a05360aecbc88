@testable import Casefile
import Casework
@testable import Commands
import Foundation
import Glibc
import XCTest

/// Issue 14, finding 4 (file modes): whichever command makes them, folders are 0700 and files
/// 0600, even in a process whose umask would allow more (the tests' is the usual 022).
final class FileModeTests: XCTestCase {
    var root: URL!
    var savedMask: mode_t = 0

    override func setUpWithError() throws {
        // A permissive umask, as a library user might have: the modes must not depend on it.
        savedMask = umask(0o022)
        root = FileManager.default.temporaryDirectory.appendingPathComponent("modes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try Data("correct horse battery staple\n".utf8).write(to: root.appendingPathComponent("pw"))
    }

    override func tearDownWithError() throws {
        umask(savedMask)
        try FileManager.default.removeItem(at: root)
    }

    func path(_ name: String) -> String { root.appendingPathComponent(name).path }

    /// Every entry under `folder` (and the folder) whose mode is not 0700 / 0600.
    func looseModes(_ folder: String) throws -> [String] {
        var loose: [String] = []
        func check(_ p: String) {
            var st = stat()
            guard lstat(p, &st) == 0 else { return loose.append("\(p): cannot stat") }
            let mode = st.st_mode & 0o7777
            let isFolder = (st.st_mode & S_IFMT) == S_IFDIR
            if mode != (isFolder ? 0o700 : 0o600) { loose.append("\(p): \(String(mode, radix: 8))") }
        }
        check(folder)
        for entry in try XCTUnwrap(FileManager.default.enumerator(atPath: folder)).compactMap({ $0 as? String }) {
            check(folder + "/" + entry)
        }
        return loose
    }

    func testInitMakesEverythingPrivate() throws {
        XCTAssertEqual(CandorCLI.main(["init", "--admin", "root", "--password-file", path("pw"), "--data", path("data"), "--keys", path("keys"),
                                       "--recovery-key-out", path("recovery.key")]), 0)
        XCTAssertTrue(FileManager.default.fileExists(atPath: path("data/settings.json")))
        XCTAssertTrue(FileManager.default.fileExists(atPath: path("data/candor.sqlite")))
        XCTAssertEqual(try looseModes(path("data")), [])
        XCTAssertEqual(try looseModes(path("keys")), [])
        XCTAssertEqual(try looseModes(path("recovery.key")), [])
    }

    func testDemoSetupMakesEverythingPrivate() throws {
        let ledger = try CandorCLI.demoSetup((data: root.appendingPathComponent("demo/data"), keys: root.appendingPathComponent("demo/keys"),
                                              settings: root.appendingPathComponent("demo/data/settings.json")))
        try ledger.pool.checkpoint()
        XCTAssertTrue(FileManager.default.fileExists(atPath: path("demo/data/demo-accounts.json")))
        XCTAssertEqual(try looseModes(path("demo")), [])
    }

    func testBackupAndRestoreMakeEverythingPrivate() throws {
        XCTAssertEqual(CandorCLI.main(["init", "--admin", "root", "--password-file", path("pw"), "--data", path("data"), "--keys", path("keys")]), 0)
        XCTAssertEqual(CandorCLI.main(["backup", path("backups/b1"), "--data", path("data"), "--keys", path("keys")]), 0)
        XCTAssertEqual(try looseModes(path("backups")), [])
        XCTAssertEqual(CandorCLI.main(["restore", path("backups/b1"), "--data", path("restored/data"), "--keys", path("keys")]), 0)
        XCTAssertEqual(try looseModes(path("restored")), [])
    }

    func testAChangedSettingsFileStaysPrivate() throws {
        let url = root.appendingPathComponent("private/settings.json")
        try PrivateFiles.write(try Settings.default.encodedJSON(), to: url)
        try PrivateFiles.write(try Settings.default.encodedJSON(), to: url)
        XCTAssertEqual(try looseModes(path("private")), [])
    }
}
