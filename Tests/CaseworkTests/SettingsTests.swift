import XCTest
@testable import Casework

final class SettingsTests: XCTestCase {
    func testDefaultsRoundTrip() throws {
        let json = try Settings.default.encodedJSON()
        XCTAssertEqual(try Settings.load(json: json), Settings.default)
        XCTAssertTrue(Settings.default.categories.contains { $0.id == "private_contracting" })
    }

    func testPartialFileKeepsOtherDefaults() throws {
        let json = #"{"channels": {"phone": "0311-1234567"}, "deadlines": {"register_within_days": 5}}"#
        let s = try Settings.load(json: Array(json.utf8))
        XCTAssertEqual(s.channels.phone, "0311-1234567")
        XCTAssertEqual(s.channels.email, Settings.default.channels.email)
        XCTAssertEqual(s.deadlines.registerWithinDays, 5)
        XCTAssertEqual(s.deadlines.feedbackWithinMonths, 3)
        XCTAssertEqual(s.rewardBands, .policyDefault)
    }

    func testErrorsNameTheField() {
        func message(_ json: String) -> String {
            do { _ = try Settings.load(json: Array(json.utf8)); return "" } catch { return String(describing: error) }
        }
        XCTAssertTrue(message(#"{"deadlines": {"register_within_days": "seven"}}"#).contains("deadlines.register_within_days"))
        XCTAssertTrue(message(#"{"calendar": {"holidays": ["2026-02-30"]}}"#).contains("YYYY-MM-DD"))
        XCTAssertTrue(message(#"{"deadlines": {"register_within_days": 0}}"#).contains("positive"))
        XCTAssertTrue(message(#"{"reward_bands": {"bands": []}}"#).contains("reward bands"))
        XCTAssertTrue(message("[1]").contains("one JSON object"))
        XCTAssertTrue(message("{").contains("not valid JSON"))
    }
}
