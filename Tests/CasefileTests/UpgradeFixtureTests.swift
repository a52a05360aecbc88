import Casework
import Foundation
import Vault
import XCTest
@testable import Casefile
import TestSupport

/// Issue 18: a database, key folder and files made by an earlier release open with today's
/// code, migrate, and every role reads what it read then — the reporter's code included. Each
/// schema change adds its own fixture folder (Tests/Fixtures/upgrade/<name>/), made by
/// make-fixture.sh with the code of that day, and every folder there is opened by this test.
final class UpgradeFixtureTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/upgrade")

    /// Every committed fixture folder.
    func committedFixtures() throws -> [URL] {
        let fm = FileManager.default
        return try fm.contentsOfDirectory(at: Self.fixtures, includingPropertiesForKeys: nil)
            .filter { fm.fileExists(atPath: $0.appendingPathComponent(UpgradeFixture.manifestName).path) }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    func testEveryCommittedFixtureOpensMigratesAndReadsAsItDidForEveryRole() throws {
        let folders = try committedFixtures()
        XCTAssertFalse(folders.isEmpty, "no fixture under \(Self.fixtures.path)")
        for folder in folders {
            try checkUpgrade(folder)
        }
    }

    func checkUpgrade(_ folder: URL, file: StaticString = #filePath, line: UInt = #line) throws {
        let name = folder.lastPathComponent
        let copy = try UpgradeFixture.copy(folder)
        defer { try? FileManager.default.removeItem(at: copy) }
        let fixture = try JSONDecoder().decode(UpgradeFixture.self, from: Data(contentsOf: copy.appendingPathComponent(UpgradeFixture.manifestName)))
        let data = copy.appendingPathComponent("data")
        let expectedPending = Ledger.knownMigrations.filter { !fixture.migrations.contains($0) }
        XCTAssertEqual(try Ledger.pendingMigrations(dataFolder: data), expectedPending, "\(name): the dry run names the missing migrations", file: file, line: line)
        let settings = try Settings.load(json: Array(try Data(contentsOf: data.appendingPathComponent("settings.json"))))
        let ledger = try Ledger(dataFolder: data, keys: try KeyFolder(url: copy.appendingPathComponent("Keys")), settings: settings,
                                passwordParameters: World.fastParameters)
        defer { try? ledger.close() }
        XCTAssertEqual(try Ledger.pendingMigrations(dataFolder: data), [], "\(name): migrated", file: file, line: line)
        XCTAssertEqual(try ledger.integrityCheck(), [], file: file, line: line)
        guard case .success = try ledger.verifyAudit() else { return XCTFail("\(name): the audit chain breaks after the upgrade", file: file, line: line) }
        for expected in fixture.cases {
            var now = try UpgradeFixture.read(ledger, ref: expected.ref, code: expected.code, password: fixture.password)
            now.stage = expected.stage
            XCTAssertEqual(now.readers, expected.readers, "\(name) \(expected.stage): who opens the case", file: file, line: line)
            XCTAssertEqual(now.narrative, expected.narrative, "\(name) \(expected.stage)", file: file, line: line)
            XCTAssertEqual(now.identityName, expected.identityName, "\(name) \(expected.stage): the head reads the identity", file: file, line: line)
            XCTAssertEqual(now.file, expected.file, "\(name) \(expected.stage): the reporter's file", file: file, line: line)
            XCTAssertEqual(now.reporterMessages, expected.reporterMessages, "\(name) \(expected.stage): the reporter's page", file: file, line: line)
        }
        // The recovery key written down with the fixture still opens its cases.
        let text = try String(contentsOf: copy.appendingPathComponent(fixture.recoveryKeyFile), encoding: .utf8)
        let raw = try XCTUnwrap(KeyFolder.decodeHex(String(text.split(separator: "\n")[1])))
        let recovery = try X25519PrivateKey(rawRepresentation: SecureBytes(raw))
        XCTAssertEqual(recovery.publicKey, ledger.keys.recoveryPublicKey, file: file, line: line)
    }

    /// The maker runs on every test run, so it keeps working for the next schema change; with
    /// CANDOR_FIXTURE_OUT set (make-fixture.sh) it also writes the fixture there.
    func testTheMakerBuildsAFixtureThatReadsBack() throws {
        let madeBy = ProcessInfo.processInfo.environment["CANDOR_FIXTURE_MADE_BY"] ?? "test run"
        let (world, fixture) = try UpgradeFixture.build(madeBy: madeBy)
        XCTAssertEqual(fixture.cases.count, 4)
        XCTAssertTrue(fixture.cases.allSatisfy { $0.readers.contains("head") && !$0.readers.contains("admin") && !$0.readers.contains("auditor") })
        XCTAssertEqual(fixture.cases.filter(\.realName).map(\.identityName), ["UPGRADE-REPORTER"])
        let out = ProcessInfo.processInfo.environment["CANDOR_FIXTURE_OUT"].map { URL(fileURLWithPath: $0) }
            ?? world.root.appendingPathComponent("fixture")
        try fixture.write(world, to: out)
        try checkUpgrade(out)
    }
}
