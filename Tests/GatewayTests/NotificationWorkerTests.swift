@testable import Casefile
import Casework
@testable import ConsoleSite
import Courier
import Foundation
@testable import Gateway
@testable import ReporterSite
@testable import SiteKit
import SQLiteDB
import Synchronization
import TestSupport
import XCTest

/// A transport that holds every send until released: the relay at its slowest.
final class StalledTransport: MailTransport {
    let entered = DispatchSemaphore(value: 0)
    let release = DispatchSemaphore(value: 0)
    let sent = Atomic<Int>(0)

    func send(_ message: MailMessage) throws {
        entered.signal()
        _ = release.wait(timeout: .now() + 10)
        sent.wrappingAdd(1, ordering: .relaxed)
    }
}

final class NotificationWorkerTests: XCTestCase {
    func testTheWorkerThreadDeliversAndStops() throws {
        let sink = try SMTPSink()
        defer { sink.stop() }
        let w = try World(settings: notifyingSettings(port: sink.port))
        try w.standardRoster()
        try w.ledger.giveAddresses(["head"])
        let worker = NotificationWorker(ledger: w.ledger, transport: sinkTransport(sink.port), interval: 0.05)
        worker.start()
        _ = try w.submit(ReportDraft(category: "bribery", narrative: "x"))
        worker.poke()
        XCTAssertEqual(sink.wait(for: 1).count, 1)
        worker.stop()
        XCTAssertEqual(try w.ledger.outboxRows().map(\.state), ["sent"])
    }

    func testASubmissionNeverWaitsForTheRelay() throws {
        let w = try World(settings: notifyingSettings())
        try w.standardRoster()
        try w.ledger.giveAddresses(["head"])
        let transport = StalledTransport()
        let worker = NotificationWorker(ledger: w.ledger, transport: transport, interval: 0.05)
        worker.start()
        defer {
            transport.release.signal()
            worker.stop()
        }
        _ = try w.submit(ReportDraft(category: "bribery", narrative: "first"))
        XCTAssertEqual(transport.entered.wait(timeout: .now() + 5), .success, "the worker is now stuck in the relay")
        // The relay is held until the test releases it (or 10 s pass, which only guards a hang):
        // a submission that waited for it would return after the send, not before.
        let receipt = try w.submit(ReportDraft(category: "bribery", narrative: "second"))
        XCTAssertEqual(transport.sent.load(ordering: .relaxed), 0, "the submission returned while the relay was still stuck")
        XCTAssertEqual(try w.ledger.pool.read { db in try db.scalar("SELECT count(*) FROM cases WHERE ref = ?", [.text(receipt.caseRef)], as: Int.self) }, 1)
        XCTAssertEqual(try w.ledger.outboxRows().count, 2)
    }

    func testASubmissionSucceedsWithTheRelayDown() throws {
        let port = try closedPort()
        let w = try World(settings: notifyingSettings(port: port))
        try w.standardRoster()
        try w.ledger.giveAddresses(["head"])
        let worker = NotificationWorker(ledger: w.ledger, transport: sinkTransport(port), interval: 0.05)
        worker.start()
        defer { worker.stop() }
        let receipt = try w.submit(ReportDraft(category: "bribery", narrative: "x"))
        XCTAssertNotNil(receipt.code)
        let end = Date().addingTimeInterval(5)
        while (try w.ledger.outboxRows().first?.attempts ?? 0) == 0 && Date() < end { usleep(20_000) }
        let row = try XCTUnwrap(try w.ledger.outboxRows().first)
        XCTAssertEqual(row.state, "queued")
        XCTAssertEqual(row.error, "connection refused by 127.0.0.1:\(port)")
    }

    func testOnePassScansDeadlinesAtMostHourly() throws {
        let clock = TestClock()
        let w = try World(settings: notifyingSettings(), clock: clock.closure)
        try w.standardRoster()
        try w.ledger.giveAddresses(["head"])
        _ = try w.submit(ReportDraft(category: "bribery", narrative: "x"))
        try w.ledger.clearOutbox()
        let transport = StalledTransport()
        transport.release.signal()
        let worker = NotificationWorker(ledger: w.ledger, transport: transport)
        let t = clock.now.load(ordering: .relaxed) + 6 * 86400
        for _ in 0..<5 { transport.release.signal() }
        try worker.runOnce(now: t)
        XCTAssertEqual(try w.ledger.outboxRows().count, 1)
        try w.ledger.clearOutbox()
        try worker.runOnce(now: t + 86400 + 60)
        XCTAssertEqual(try w.ledger.outboxRows().count, 1, "the next day's scan")
    }
}
