@testable import Casefile
import Casework
@testable import ConsoleSite
import Courier
import Foundation
@testable import Gateway
@testable import ReporterSite
@testable import SiteKit
import SQLiteDB
import TestSupport
import XCTest

/// Delivery against the Swift SMTP sink: what goes over the wire, retries, merging, refusals.
final class OutboxDeliveryTests: XCTestCase {
    let clock = TestClock()

    func world(port: Int, base: Settings = .default) throws -> World {
        let w = try World(settings: notifyingSettings(port: port, base: base), clock: clock.closure)
        try w.standardRoster()
        try w.ledger.giveAddresses(everyone)
        return w
    }

    func testTheRawDataHoldsNothingOfTheCase() throws {
        let sink = try SMTPSink()
        defer { sink.stop() }
        let w = try world(port: sink.port)
        let markers = ["MARK-NARRATIVE-51", "MARK-WHEN-52", "MARK-WHERE-53", "MARK-PEOPLE-54", "MARK-ACCUSED-55",
                       "MARK-POST-56", "MARK-LOSS-57", "MARK-NAME-58", "MARK-PHONE-59", "MARK-CONTACT-60", "MARK-EMPID-61"]
        let draft = ReportDraft(category: "bribery", narrative: markers[0], when: markers[1], whereText: markers[2], people: markers[3],
                                accused: [AccusedPerson(name: markers[4], post: markers[5], employeeID: markers[10])],
                                estimatedLoss: markers[6], mode: .realName,
                                identity: .init(name: markers[7], phone: markers[8], otherContact: markers[9]))
        let receipt = try w.submit(draft)
        let report = try w.ledger.deliverDueNotices(transport: sinkTransport(sink.port))
        XCTAssertEqual(report.sent, 1)
        let got = sink.wait(for: 1)
        XCTAssertEqual(got.count, 1)
        XCTAssertEqual(got[0].recipients, ["<head@corp.example>"])
        // The raw DATA and its decoded body, both.
        let raw = got[0].text
        let encoded = raw.components(separatedBy: "\r\n\r\n")[1].replacingOccurrences(of: "\r\n", with: "")
        let body = String(decoding: Data(base64Encoded: encoded) ?? Data(), as: UTF8.self)
        XCTAssertTrue(body.hasPrefix("控制台有待办事项。\r\nSomething is waiting for you in the console.\r\n\r\nhttps://candor.corp.example/console\r\n"))
        let category = try XCTUnwrap(Settings.default.category("bribery"))
        let forbidden = markers + [receipt.caseRef, receipt.registerNumber.description,
                                   category.id, category.zh, category.en, receipt.code!.digits, receipt.code!.grouped, "王建国"]
        for text in [raw, body, got[0].mailFrom] {
            for f in forbidden { XCTAssertFalse(text.contains(f), "'\(f)' must not be in the mail") }
        }
    }

    func testEveryImmediateNoticeIsTheSameButForRecipientDateAndMessageID() throws {
        let sink = try SMTPSink()
        defer { sink.stop() }
        let w = try world(port: sink.port)
        let head = try XCTUnwrap(try w.ledger.account(login: "head"))
        _ = try w.submit(ReportDraft(category: "bribery", narrative: "one"))
        // A second report, of another category and length, for another intake holder.
        w.settings.alternates.intake = "inspector2"
        try w.reopen(clock: clock.closure)
        _ = try w.submit(ReportDraft(category: "procurement", narrative: "two, longer text", excludedHandlers: [head.id]))
        try w.ledger.deliverDueNotices(transport: sinkTransport(sink.port))
        let got = sink.wait(for: 2)
        XCTAssertEqual(got.count, 2)
        func stripped(_ r: SMTPSink.Received) -> String {
            r.text.components(separatedBy: "\r\n").filter { !$0.hasPrefix("To:") && !$0.hasPrefix("Date:") && !$0.hasPrefix("Message-ID:") }.joined(separator: "\n")
        }
        XCTAssertEqual(stripped(got[0]), stripped(got[1]))
        XCTAssertEqual(Set(got.flatMap(\.recipients)), ["<head@corp.example>", "<inspector2@corp.example>"])
    }

    func testRetryAfterTheRelayWasDown() throws {
        let port = try closedPort()
        let w = try world(port: port)
        let receipt = try w.submit(ReportDraft(category: "bribery", narrative: "x"))
        XCTAssertEqual(try w.ledger.pool.read { db in try db.scalar("SELECT count(*) FROM cases WHERE ref = ?", [.text(receipt.caseRef)], as: Int.self) }, 1,
                       "the submission does not depend on the relay")
        let t0 = clock.now.load(ordering: .relaxed)
        let first = try w.ledger.deliverDueNotices(transport: sinkTransport(port), now: t0)
        XCTAssertEqual(first.retrying, 1)
        var row = try XCTUnwrap(try w.ledger.outboxRows().first)
        XCTAssertEqual(row.state, "queued")
        XCTAssertEqual(row.attempts, 1)
        XCTAssertEqual(row.error, "connection refused by 127.0.0.1:\(port)")
        // Still down a minute later: the next wait is two minutes.
        XCTAssertEqual(try w.ledger.deliverDueNotices(transport: sinkTransport(port), now: t0 + 30), .init(), "not due before its minute")
        XCTAssertEqual(try w.ledger.deliverDueNotices(transport: sinkTransport(port), now: t0 + 60).retrying, 1)
        XCTAssertEqual(try w.ledger.outboxEntries().first?.nextAttemptAt, t0 + 60 + 120)
        // The relay comes up on that port; the next due pass sends.
        let sink = try SMTPSink(.init(port: port))
        defer { sink.stop() }
        XCTAssertEqual(try w.ledger.deliverDueNotices(transport: sinkTransport(port), now: t0 + 100).sent, 0, "not yet due")
        XCTAssertEqual(try w.ledger.deliverDueNotices(transport: sinkTransport(port), now: t0 + 180).sent, 1)
        row = try XCTUnwrap(try w.ledger.outboxRows().first)
        XCTAssertEqual(row.state, "sent")
        XCTAssertEqual(row.attempts, 3)
        XCTAssertNil(row.error)
        XCTAssertEqual(sink.wait(for: 1).count, 1)
    }

    func testTheQueueSurvivesARestart() throws {
        let port = try closedPort()
        let w = try world(port: port)
        _ = try w.submit(ReportDraft(category: "bribery", narrative: "x"))
        try w.ledger.deliverDueNotices(transport: sinkTransport(port))
        try w.reopen(clock: clock.closure)
        let sink = try SMTPSink(.init(port: port))
        defer { sink.stop() }
        clock.advance(61)
        XCTAssertEqual(try w.ledger.deliverDueNotices(transport: sinkTransport(port)).sent, 1)
        XCTAssertEqual(sink.wait(for: 1).count, 1)
    }

    func testBackOffDoublesCapsAndGivesUp() throws {
        XCTAssertEqual((1...8).map { Ledger.backoff(afterAttempts: $0) }, [60, 120, 240, 480, 960, 1920, 3600, 3600])
        let port = try closedPort()
        let w = try world(port: port)
        _ = try w.submit(ReportDraft(category: "bribery", narrative: "x"))
        var now = clock.now.load(ordering: .relaxed)
        for _ in 1...Ledger.maxDeliveryAttempts {
            try w.ledger.deliverDueNotices(transport: sinkTransport(port), now: now)
            now += 3600
        }
        let row = try XCTUnwrap(try w.ledger.outboxRows().first)
        XCTAssertEqual(row.state, "failed")
        XCTAssertEqual(row.attempts, Ledger.maxDeliveryAttempts)
        XCTAssertEqual(try w.ledger.deliverDueNotices(transport: sinkTransport(port), now: now + 86400), .init())
    }

    func testAPermanentRefusalFailsAtOnceWithTheReply() throws {
        let sink = try SMTPSink(.init(refuseRecipient: "head@corp.example"))
        defer { sink.stop() }
        let w = try world(port: sink.port)
        _ = try w.submit(ReportDraft(category: "bribery", narrative: "x"))
        XCTAssertEqual(try w.ledger.deliverDueNotices(transport: sinkTransport(sink.port)).failed, 1)
        let row = try XCTUnwrap(try w.ledger.outboxRows().first)
        XCTAssertEqual(row.state, "failed")
        XCTAssertEqual(row.error, "recipient refused: 550 5.1.1 mailbox unavailable")
    }

    func testABurstForOneAccountIsOneMail() throws {
        let sink = try SMTPSink()
        defer { sink.stop() }
        let w = try world(port: sink.port)
        for i in 0..<3 { _ = try w.submit(ReportDraft(category: "bribery", narrative: "x\(i)")) }
        XCTAssertEqual(try w.ledger.deliverDueNotices(transport: sinkTransport(sink.port)).sent, 3)
        // The sink records a message before it answers 250 to its DATA, and delivery returns only
        // after that answer: whatever was sent is already counted, so no wait is needed.
        XCTAssertEqual(sink.received.count, 1, "three events, one mail: the count is not told")
        XCTAssertEqual(try w.ledger.outboxRows().map(\.state), ["sent", "sent", "sent"])
    }

    func testAnAccountThatTurnedNoticesOffIsSkipped() throws {
        let sink = try SMTPSink()
        defer { sink.stop() }
        let w = try world(port: sink.port)
        _ = try w.submit(ReportDraft(category: "bribery", narrative: "x"))
        try w.ledger.setNotification(login: "head", email: "head@corp.example", notify: .none, actor: "test")
        XCTAssertEqual(try w.ledger.deliverDueNotices(transport: sinkTransport(sink.port)).failed, 1)
        XCTAssertEqual(sink.received.count, 0, "delivery has returned, so nothing more can arrive")
    }
}
