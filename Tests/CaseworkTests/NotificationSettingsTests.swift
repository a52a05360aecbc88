import Foundation
import XCTest
@testable import Casework

final class NotificationSettingsTests: XCTestCase {
    func testOffByDefaultAndPartialObjectsMerge() throws {
        XCTAssertEqual(Settings.default.notifications.transport, NotificationSettings.Transport.none)
        let s = try Settings.load(json: Array(#"{"notifications": {"transport": "smtp", "smtp_host": "relay.corp.example", "from": "candor@corp.example"}}"#.utf8))
        XCTAssertEqual(s.notifications.transport, .smtp)
        XCTAssertEqual(s.notifications.smtpHost, "relay.corp.example")
        XCTAssertEqual(s.notifications.smtpPort, 587)
        XCTAssertTrue(s.notifications.smtpStartTLSRequired)
        XCTAssertEqual(s.notifications.sendmailArgs, ["-t", "-i"])
        XCTAssertEqual(s.notifications.digestHour, 8)
    }

    func testTheDefaultFileHoldsNoPasswordKey() throws {
        let text = String(decoding: try Settings.default.encodedJSON(), as: UTF8.self)
        XCTAssertTrue(text.contains("\"notifications\""))
        XCTAssertFalse(text.contains("\"smtp_password\""))
        XCTAssertEqual(try Settings.load(json: try Settings.default.encodedJSON()), .default)
    }

    func testWrongValuesAreNamed() {
        let cases = [
            #"{"notifications": {"digest_hour": 24}}"#: "digest_hour",
            #"{"notifications": {"transport": "smtp", "smtp_user": "x"}}"#: "smtp_password_file",
            #"{"notifications": {"transport": "smtp", "smtp_port": 0}}"#: "smtp_port",
            #"{"notifications": {"transport": "smtp", "console_url": "javascript:alert(1)"}}"#: "console_url",
            #"{"notifications": {"transport": "sendmail", "sendmail_path": "sendmail"}}"#: "sendmail_path",
            #"{"notifications": {"transport": "smtp", "from": "nobody"}}"#: "notifications.from",
            #"{"notifications": {"transport": "pigeon"}}"#: "notifications.transport",
        ]
        for (json, key) in cases {
            XCTAssertThrowsError(try Settings.load(json: Array(json.utf8)), json) { error in
                XCTAssertTrue(String(describing: error).contains(key), "\(error)")
            }
        }
    }
}
