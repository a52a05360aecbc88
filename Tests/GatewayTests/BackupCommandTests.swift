@testable import Casefile
import Casework
@testable import Commands
@testable import ConsoleSite
import Foundation
@testable import Gateway
@testable import ReporterSite
@testable import SiteKit
import TestSupport
import XCTest

final class BackupCommandTests: XCTestCase {
    var world: World!

    override func setUpWithError() throws {
        world = try World()
        try world.standardRoster()
        _ = try world.submit(Samples.draft(1), files: [("f-1.bin", "application/octet-stream", Samples.fileBytes(1))])
    }

    override func tearDown() { world = nil }

    func path(_ name: String) -> String { world.root.appendingPathComponent(name).path }

    func testBackupThenRestoreThroughTheCommandLine() throws {
        let keys = ["--keys", path("Keys")]
        XCTAssertEqual(CandorCLI.main(["backup", path("b1"), "--data", world.dataFolder.path] + keys), 0)
        XCTAssertTrue(FileManager.default.fileExists(atPath: path("b1/MANIFEST.json")))
        XCTAssertTrue(FileManager.default.fileExists(atPath: path("b1/settings.json")), "the settings file travels with the data")
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("b1/Keys")))
        XCTAssertEqual(CandorCLI.main(["backup", path("b1"), "--data", world.dataFolder.path] + keys), 1, "a non-empty folder is refused")

        XCTAssertEqual(CandorCLI.main(["restore", path("b1"), "--data", path("restored")] + keys), 0)
        XCTAssertEqual(CandorCLI.main(["restore", path("b1"), "--data", path("restored")] + keys), 1, "a non-empty data folder is refused")

        // Another installation's keys: the data is copied, but the fingerprint check says so.
        _ = try KeyFolder.create(at: world.root.appendingPathComponent("OtherKeys"))
        XCTAssertEqual(CandorCLI.main(["restore", path("b1"), "--data", path("restored2"), "--keys", path("OtherKeys")]), 1)
    }
}
