import Casework
import Foundation
import XCTest
@testable import Casefile
import TestSupport

final class SettingsChangeTests: XCTestCase {
    func testValidSettingsAreWrittenPutInEffectAndAuditedByKeyOnly() throws {
        let world = try World()
        let file = world.root.appendingPathComponent("settings.json")
        let changed = try world.ledger.changeSettings(json: Array(#"{"channels": {"phone": "0871-SECRETISH"}}"#.utf8), file: file, actor: "staff:1")
        XCTAssertEqual(changed, ["channels"])
        XCTAssertEqual(world.ledger.settings.channels.phone, "0871-SECRETISH")
        XCTAssertEqual(try Settings.load(json: Array(try Data(contentsOf: file))), world.ledger.settings, "a restart loads the same")
        let detail = try world.ledger.pool.read { db in
            try db.scalar("SELECT detail FROM audit_log WHERE action = 'setting_change'", as: String.self)
        }
        XCTAssertEqual(detail, "keys=channels", "which keys changed, never their values")
        XCTAssertEqual(try world.ledger.changeSettings(json: Array(#"{"channels": {"phone": "0871-SECRETISH"}}"#.utf8), file: file, actor: "staff:1"), [])
    }

    func testInvalidSettingsChangeNothing() throws {
        let world = try World()
        let file = world.root.appendingPathComponent("settings.json")
        XCTAssertThrowsError(try world.ledger.changeSettings(json: Array(#"{"utc_offset_minutes": 9999}"#.utf8), file: file, actor: "staff:1")) { error in
            XCTAssertTrue("\(error)".contains("utc_offset_minutes"))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: file.path))
        XCTAssertEqual(world.ledger.settings, .default)
    }

    func testWithoutAFileTheChangeHoldsInMemory() throws {
        let world = try World()
        XCTAssertEqual(try world.ledger.changeSettings(json: Array(#"{"organisation": "某热力公司"}"#.utf8), file: nil, actor: "staff:1"), ["organisation"])
        XCTAssertEqual(world.ledger.settings.organisation, "某热力公司")
    }
}
