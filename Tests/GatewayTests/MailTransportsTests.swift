@testable import Casefile
import Casework
@testable import ConsoleSite
import Courier
import Foundation
@testable import Gateway
@testable import ReporterSite
@testable import SiteKit
import TestSupport
import XCTest

final class MailTransportsTests: XCTestCase {
    func testEachTransportFromTheSettings() throws {
        XCTAssertNil(try MailTransports.make(NotificationSettings()))
        let sendmail = try XCTUnwrap(try MailTransports.make(NotificationSettings(transport: .sendmail, sendmailPath: "/bin/cat", sendmailArgs: ["-u"])) as? SendmailTransport)
        XCTAssertEqual(sendmail.path, "/bin/cat")
        XCTAssertEqual(sendmail.arguments, ["-u"])

        let file = FileManager.default.temporaryDirectory.appendingPathComponent("smtp-pw-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data("s3cret-relay\nignored\n".utf8).write(to: file)
        let smtp = try XCTUnwrap(try MailTransports.make(NotificationSettings(transport: .smtp, smtpHost: "relay.corp.example", smtpPort: 2525,
                                                                              smtpUser: "candor", smtpPasswordFile: file.path,
                                                                              smtpCAFile: "/etc/candor/relay-ca.pem")) as? SMTPClient)
        XCTAssertEqual(smtp.configuration, SMTPConfiguration(host: "relay.corp.example", port: 2525, requireSTARTTLS: true, user: "candor",
                                                             password: "s3cret-relay", pinnedCAFile: "/etc/candor/relay-ca.pem"))
        XCTAssertThrowsError(try MailTransports.make(NotificationSettings(transport: .smtp, smtpUser: "candor", smtpPasswordFile: "/nonexistent/pw")))
    }

    func testSendmailTransportEndToEndThroughTheOutbox() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sendmail-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = dir.appendingPathComponent("sendmail").path
        try "#!/bin/sh\ncat > \"\(dir.path)/out-$$.eml\"\n".write(toFile: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: script)
        var settings = Settings.default
        settings.notifications = NotificationSettings(transport: .sendmail, from: "candor@corp.example",
                                                      consoleURL: "https://candor.corp.example/console", sendmailPath: script, sendmailArgs: [])
        let w = try World(settings: settings)
        try w.standardRoster()
        try w.ledger.giveAddresses(["head"])
        _ = try w.submit(ReportDraft(category: "bribery", narrative: "MARK-SENDMAIL"))
        let transport = try XCTUnwrap(try MailTransports.make(settings.notifications))
        XCTAssertEqual(try w.ledger.deliverDueNotices(transport: transport).sent, 1)
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".eml") }
        XCTAssertEqual(files.count, 1)
        let text = try String(contentsOfFile: dir.appendingPathComponent(files[0]).path, encoding: .utf8)
        XCTAssertTrue(text.hasPrefix("From: candor@corp.example\r\nTo: head@corp.example\r\n"))
        XCTAssertFalse(text.contains("MARK-SENDMAIL"))
    }
}
