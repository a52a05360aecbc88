import Casework
import Foundation
import XCTest
@testable import Casefile
import TestSupport

final class SettingsChangeTests: XCTestCase {
    /// Issue 13: every change of the settings carries valid alternates, or it is refused.
    static let alternates = #""alternates": {"intake": "inspector2", "chairman": "supervisor", "party_secretary": "deputysecretary"}"#

    func world() throws -> World {
        let world = try World()
        try world.standardRoster()
        return world
    }

    func testValidSettingsAreWrittenPutInEffectAndAuditedByKeyOnly() throws {
        let world = try world()
        let file = world.root.appendingPathComponent("settings.json")
        let changed = try world.ledger.changeSettings(json: Array(#"{"channels": {"phone": "0871-SECRETISH"}, \#(Self.alternates)}"#.utf8), file: file, actor: "staff:1")
        XCTAssertEqual(changed, ["channels"])
        XCTAssertEqual(world.ledger.settings.channels.phone, "0871-SECRETISH")
        XCTAssertEqual(try Settings.load(json: Array(try Data(contentsOf: file))), world.ledger.settings, "a restart loads the same")
        let detail = try world.ledger.pool.read { db in
            try db.scalar("SELECT detail FROM audit_log WHERE action = 'setting_change'", as: String.self)
        }
        XCTAssertEqual(detail, "keys=channels", "which keys changed, never their values")
        XCTAssertEqual(try world.ledger.changeSettings(json: Array(#"{"channels": {"phone": "0871-SECRETISH"}, \#(Self.alternates)}"#.utf8), file: file, actor: "staff:1"), [])
    }

    func testInvalidSettingsChangeNothing() throws {
        let world = try world()
        let file = world.root.appendingPathComponent("settings.json")
        XCTAssertThrowsError(try world.ledger.changeSettings(json: Array(#"{"utc_offset_minutes": 9999, \#(Self.alternates)}"#.utf8), file: file, actor: "staff:1")) { error in
            XCTAssertTrue("\(error)".contains("utc_offset_minutes"))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: file.path))
        XCTAssertEqual(world.ledger.settings, World.standardSettings)
    }

    func testWithoutAFileTheChangeHoldsInMemory() throws {
        let world = try world()
        XCTAssertEqual(try world.ledger.changeSettings(json: Array(#"{"organisation": "某热力公司", \#(Self.alternates)}"#.utf8), file: nil, actor: "staff:1"), ["organisation"])
        XCTAssertEqual(world.ledger.settings.organisation, "某热力公司")
    }
}
