@testable import Casefile
import Casework
@testable import Commands
import Foundation
import Gateway
import Glibc
import SQLiteDB
import TestSupport
import XCTest

/// `candor check` finds what a security officer would look for by hand, and `serve` refuses to
/// start on a fatal finding.
final class CheckCommandTests: XCTestCase {
    var world: World!

    override func setUpWithError() throws {
        world = try World()
        try world.standardRoster()
        try world.writeSettingsFile()
        chmod(world.dataFolder.appendingPathComponent("settings.json").path, 0o600)
    }

    var folderArgs: [String] { ["--data", world.dataFolder.path, "--keys", world.keys.url.path] }

    func checks(_ extra: [String] = []) throws -> [String: SelfCheck] {
        let results = CandorCLI.installationChecks(try Arguments(folderArgs + extra), ledger: nil)
        return Dictionary(results.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    }

    func testEveryCheckIsPrintedAndASoundInstallationHasNoFatalFinding() throws {
        let found = try checks()
        for name in ["data-modes", "key-modes", "settings", "channels", "holidays", "deadlines", "alternates", "keys", "clock", "disk"] {
            XCTAssertNotNil(found[name], "no \(name) check")
        }
        XCTAssertEqual(found.values.filter(\.fatal), [])
        XCTAssertEqual(found["keys"]?.status, .ok)
        XCTAssertEqual(found["alternates"]?.status, .ok)
        XCTAssertEqual(found["data-modes"]?.status, .ok, found["data-modes"]?.detail ?? "")
    }

    func testADataFolderOthersCanReadIsFatalAndServeRefuses() throws {
        chmod(world.dataFolder.path, 0o755)
        let modes = try XCTUnwrap(try checks()["data-modes"])
        XCTAssertEqual(modes.status, .fail)
        XCTAssertTrue(modes.fatal)
        XCTAssertEqual(CandorCLI.main(["check"] + folderArgs), 1)
        let log = EventLog.Memory()
        XCTAssertThrowsError(try CandorCLI.startChecks(world.ledger, try Arguments(folderArgs), log: log.log)) { error in
            XCTAssertTrue("\(error)".contains("refusing to start") && "\(error)".contains("data-modes"), "\(error)")
        }
        XCTAssertTrue(log.all.contains { $0.hasPrefix("level=error event=check check=data-modes status=fail") }, "\(log.all)")
    }

    /// A file inside a private folder with looser bits is a failure to mend, not a reason to stop.
    func testALooseFileInsideAPrivateFolderFailsButIsNotFatal() throws {
        chmod(world.dataFolder.appendingPathComponent("settings.json").path, 0o644)
        let modes = try XCTUnwrap(try checks()["data-modes"])
        XCTAssertEqual(modes.status, .fail)
        XCTAssertFalse(modes.fatal)
    }

    func testAnotherInstallationsKeyFolderIsFatal() throws {
        let other = try World()
        let args = try Arguments(["--data", world.dataFolder.path, "--keys", other.keys.url.path])
        try world.ledger.close()
        let open = try XCTUnwrap(CandorCLI.installationChecks(args, ledger: nil).first { $0.name == "open" })
        XCTAssertTrue(open.fatal)
        XCTAssertTrue(open.detail.contains("does not belong"), open.detail)
    }

    func testAClockBehindTheNewestAuditEntryIsFatal() throws {
        try world.reopen(clock: { Int64(Date().timeIntervalSince1970) + 86_400 })
        _ = try world.ledger.createAccount(login: "later", displayName: "后来者", employeeID: nil, role: .auditor, seat: nil,
                                           password: World.password, actor: "test", commandLine: true)
        try world.reopen()
        let clock = try XCTUnwrap(CandorCLI.installationChecks(try Arguments(folderArgs), ledger: world.ledger).first { $0.name == "clock" })
        XCTAssertEqual(clock.status, .fail)
        XCTAssertTrue(clock.fatal)
    }

    func testAnUnsetAlternateIsFatal() throws {
        world.settings.alternates = Alternates()
        try world.reopen()
        let alternates = try XCTUnwrap(CandorCLI.installationChecks(try Arguments(folderArgs), ledger: world.ledger).first { $0.name == "alternates" })
        XCTAssertEqual(alternates.status, .fail)
        XCTAssertTrue(alternates.fatal)
    }

    func testTLSFilesAndTheirExpiry() throws {
        let dir = world.root.appendingPathComponent("tls")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        func make(_ name: String, days: Int) throws -> [String] {
            let cert = dir.appendingPathComponent("\(name).pem").path, key = dir.appendingPathComponent("\(name).key").path
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
            p.arguments = ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=localhost",
                           "-days", String(days), "-keyout", key, "-out", cert]
            p.standardError = FileHandle.nullDevice
            try p.run()
            p.waitUntilExit()
            XCTAssertEqual(p.terminationStatus, 0)
            return ["--tls-cert", cert, "--tls-key", key]
        }
        XCTAssertEqual(try checks(try make("good", days: 90))["tls"]?.status, .ok)
        XCTAssertEqual(try checks(try make("soon", days: 3))["tls"]?.status, .warn)
        // One day's certificate, checked as if a week had passed: expired, and fatal.
        let expired = CandorCLI.tlsCheck(try Arguments(try make("old", days: 1)), now: Int64(Date().timeIntervalSince1970) + 7 * 86_400)
        XCTAssertEqual(expired?.status, .fail)
        XCTAssertEqual(expired?.fatal, true)
        let mismatched = try checks(["--tls-cert", dir.appendingPathComponent("good.pem").path, "--tls-key", dir.appendingPathComponent("soon.key").path])
        XCTAssertEqual(mismatched["tls"]?.status, .fail)
    }
}
