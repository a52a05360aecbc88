@testable import Casefile
@testable import Commands
@testable import ConsoleSite
import Foundation
@testable import Gateway
@testable import ReporterSite
@testable import SiteKit
import XCTest

final class UserEmailCommandTests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("cli-email-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try Data("correct horse battery staple\n".utf8).write(to: root.appendingPathComponent("pw"))
        XCTAssertEqual(CandorCLI.main(["init", "--admin", "root", "--password-file", root.appendingPathComponent("pw").path,
                                       "--recovery-key-out", root.appendingPathComponent("r.key").path] + common), 0)
    }

    override func tearDownWithError() throws { try FileManager.default.removeItem(at: root) }

    var common: [String] { ["--data", root.appendingPathComponent("data").path, "--keys", root.appendingPathComponent("keys").path] }

    func account() throws -> Account? {
        let ledger = try CandorCLI.openLedger(try Arguments(common))
        defer { try? ledger.close() }
        return try ledger.account(login: "root")
    }

    func testSetsChangesAndRemovesTheAddress() throws {
        XCTAssertEqual(CandorCLI.main(["user", "email", "root", "root@corp.example", "--notify", "digest"] + common), 0)
        XCTAssertEqual(try account()?.email, "root@corp.example")
        XCTAssertEqual(try account()?.notify, .digest)
        XCTAssertEqual(CandorCLI.main(["user", "email", "root", "it@corp.example"] + common), 0)
        XCTAssertEqual(try account()?.notify, .immediate, "immediate unless told otherwise")
        XCTAssertEqual(CandorCLI.main(["user", "email", "root", "-", "--notify", "none"] + common), 0)
        XCTAssertNil(try account()?.email)
        XCTAssertEqual(try account()?.notify, NotifyPreference.none)
    }

    func testRefusesBadInput() throws {
        XCTAssertEqual(CandorCLI.main(["user", "email", "root", "not an address"] + common), 1)
        XCTAssertEqual(CandorCLI.main(["user", "email", "root", "a@corp.example", "--notify", "hourly"] + common), 1)
        XCTAssertEqual(CandorCLI.main(["user", "email", "nobody", "a@corp.example"] + common), 1)
        XCTAssertEqual(CandorCLI.main(["user", "email", "root"] + common), 1)
        XCTAssertNil(try account()?.email)
        XCTAssertTrue(CandorCLI.usage.contains("user email LOGIN ADDRESS [--notify immediate|digest|none]"))
    }
}
