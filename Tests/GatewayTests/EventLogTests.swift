import Casework
import Courier
import Foundation
import Glibc
@testable import Gateway
import TestSupport
import XCTest

/// The event log is one line per event that any collector parses, and never holds a request.
final class EventLogTests: XCTestCase {
    func testOneLineWhateverTheValueHolds() {
        let line = EventLog.line("fatal", level: .error, [("reason", "refusing to start:\n  \"alternates\" a=b\\c"), ("port", "8080")])
        XCTAssertEqual(line, #"level=error event=fatal reason="refusing to start:\n  \"alternates\" a=b\\c" port=8080"#)
        XCTAssertFalse(line.contains("\n"))
        XCTAssertEqual(EventLog.line("stop", level: .info, []), "level=info event=stop")
    }

    /// A relay that refuses: the failure is logged by notice id and reason, and the line holds
    /// nothing of the case the notice was about.
    func testAMailDeliveryFailureIsLoggedWithoutTheCase() throws {
        let w = try World(settings: notifyingSettings(port: try closedPort()))
        try w.standardRoster()
        try w.ledger.giveAddresses(["head"])
        let receipt = try w.submit(ReportDraft(category: "bribery", narrative: "EVENTLOG-NARRATIVE"))
        let memory = EventLog.Memory()
        let worker = NotificationWorker(ledger: w.ledger, transport: sinkTransport(try closedPort()), log: memory.log)
        let report = try worker.runOnce()
        XCTAssertEqual(report.retrying, 1)
        let lines = memory.all.filter { $0.contains("event=mail_failed") }
        XCTAssertEqual(lines.count, 1, "\(memory.all)")
        let line = try XCTUnwrap(lines.first)
        XCTAssertTrue(line.hasPrefix("level=warn event=mail_failed notice="), line)
        XCTAssertTrue(line.contains("attempt=1 given_up=false reason="), line)
        for secret in [receipt.caseRef, receipt.code!.digits, "EVENTLOG-NARRATIVE", "bribery"] {
            XCTAssertFalse(line.contains(secret), "the log names \(secret): \(line)")
        }
    }

    /// The real server: a start line, no line for a request, a stop line; and a refused start is
    /// one fatal line naming the check.
    func testServeLogsStartStopAndFatalButNoRequest() throws {
        let world = try World()
        try world.standardRoster()
        try world.writeSettingsFile()
        try world.ledger.close()
        world.ledger = nil
        let serve = ["serve", "--data", world.dataFolder.path, "--keys", world.keys.url.path, "--templates", templatesFolder.path, "--port", "0"]
        let server = try CandorProcess(serve, log: world.root.appendingPathComponent("serve.log"))
        let port = try server.waitForPort()
        let page = try WireClient.send(port: port, method: "GET", path: "/status?lang=en-EVENTLOG-PATH")
        XCTAssertEqual(page.status, 200)
        server.signal(SIGTERM)
        XCTAssertEqual(server.waitForExit(), 0)
        // The other lines are the start checks' warnings (this test's settings.json is 0644, no holidays).
        let lines = server.output.split(separator: "\n").map(String.init).filter { $0.hasPrefix("level=") && !$0.contains("event=check ") }
        XCTAssertEqual(lines.count, 2, server.output)
        XCTAssertTrue(lines[0].hasPrefix("level=info event=start demo=false listen=127.0.0.1:\(port) tls=off mail=off"), lines[0])
        XCTAssertEqual(lines[1], "level=info event=stop")
        XCTAssertFalse(server.output.contains("EVENTLOG-PATH"))

        chmod(world.dataFolder.path, 0o755)
        let refused = try CandorProcess.run(serve, in: world.root)
        XCTAssertEqual(refused.status, 1)
        let fatal = refused.output.split(separator: "\n").filter { $0.hasPrefix("level=error event=fatal") }
        XCTAssertEqual(fatal.count, 1, refused.output)
        XCTAssertTrue(fatal.first?.contains("data-modes") ?? false, refused.output)
    }
}
