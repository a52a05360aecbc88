@testable import Casefile
import Casework
@testable import ConsoleSite
import Foundation
@testable import Gateway
@testable import ReporterSite
@testable import SiteKit
import TestSupport
import XCTest

/// The daily digest and the deadline reminders.
final class NoticeScheduleTests: XCTestCase {
    let clock = TestClock()   // starts 2026-11-18 19:06:40 +08:00
    var sink: SMTPSink!
    var w: World!

    override func setUpWithError() throws {
        sink = try SMTPSink()
        w = try World(settings: notifyingSettings(port: sink.port), clock: clock.closure)
        try w.standardRoster()
    }

    override func tearDown() {
        sink.stop()
        w = nil
    }

    var now: Int64 { clock.now.load(ordering: .relaxed) }

    func testTheDigestIsTheSameLengthWithNothingAndWithFivePendingItems() throws {
        try w.ledger.giveAddresses(["head"], notify: .digest)
        XCTAssertEqual(try w.ledger.scheduleDigests(now: now), 1)
        XCTAssertEqual(try w.ledger.deliverDueNotices(transport: sinkTransport(sink.port), now: now).sent, 1)
        let quiet = try XCTUnwrap(sink.wait(for: 1).first)

        for i in 0..<5 { _ = try w.submit(ReportDraft(category: "bribery", narrative: "pending \(i)")) }
        XCTAssertEqual(try w.ledger.outboxRows().count, 1, "a digest account gets no immediate notices")
        clock.advance(86400)
        XCTAssertEqual(try w.ledger.scheduleDigests(now: now), 1)
        XCTAssertEqual(try w.ledger.deliverDueNotices(transport: sinkTransport(sink.port), now: now).sent, 1)
        let busy = try XCTUnwrap(sink.wait(for: 2).last)
        XCTAssertEqual(quiet.data.count, busy.data.count, "its size tells nothing")
        func body(_ r: SMTPSink.Received) -> String {
            String(decoding: Data(base64Encoded: r.text.components(separatedBy: "\r\n\r\n")[1].replacingOccurrences(of: "\r\n", with: ""))!, as: UTF8.self)
        }
        XCTAssertEqual(body(quiet), body(busy), "nor its content")
        XCTAssertTrue(body(busy).contains("Open the console to see whether anything is waiting"))
        XCTAssertEqual(body(busy).utf8.count, NoticeMail.bodyLength)
    }

    func testOneDigestADayAndNotBeforeTheHour() throws {
        try w.ledger.giveAddresses(["head", "chairman"], notify: .digest)
        XCTAssertEqual(try w.ledger.scheduleDigests(now: now), 2)
        XCTAssertEqual(try w.ledger.scheduleDigests(now: now + 3600), 0, "once a day")
        // 07:06 the next morning: before the 08:00 digest hour.
        XCTAssertEqual(try w.ledger.scheduleDigests(now: now + 12 * 3600), 0)
        XCTAssertEqual(try w.ledger.scheduleDigests(now: now + 13 * 3600), 2)
        XCTAssertEqual(Set(try w.ledger.outboxRows().map(\.kind)), ["digest"])
    }

    func testADeadlineTwoDaysAwayOrPassedIsToldOnceADayToTheIntakeHolder() throws {
        try w.ledger.giveAddresses(everyone)
        let receipt = try w.submit(ReportDraft(category: "bribery", narrative: "x"))
        try w.ledger.clearOutbox()
        XCTAssertEqual(try w.ledger.scanDeadlines(now: now), 0, "seven days to register")
        XCTAssertEqual(try w.ledger.scanDeadlines(now: now + 4 * 86400), 0)
        XCTAssertEqual(try w.ledger.scanDeadlines(now: now + 5 * 86400), 1, "two days away")
        XCTAssertEqual(try w.ledger.scanDeadlines(now: now + 5 * 86400 + 3600), 0, "at most once a day")
        XCTAssertEqual(try w.ledger.scanDeadlines(now: now + 9 * 86400), 1, "passed")
        XCTAssertEqual(try w.ledger.queuedLogins(), ["head", "head"])
        let marks = try w.ledger.pool.read { db in try db.query("SELECT mark FROM outbox").compactMap { try $0.string("mark") } }
        XCTAssertEqual(marks.count, 2)
        XCTAssertTrue(marks.allSatisfy { $0.hasPrefix("deadline|") && $0.count == 9 + 64 }, "keyed: the outbox names no case")
        // Registered: the deadline is met and nothing more is said.
        let head = try XCTUnwrap(try w.ledger.account(login: "head"))
        let key = try XCTUnwrap(try w.ledger.unlockKey(accountID: head.id, password: World.password))
        guard case .granted(let c) = try w.ledger.staffCase(ref: receipt.caseRef, accountID: head.id, key: key, action: .register) else {
            return XCTFail("the head holds the case")
        }
        try w.ledger.register(c, category: nil, message: nil)
        XCTAssertEqual(try w.ledger.scanDeadlines(now: now + 10 * 86400), 0)
    }

    func testNothingIsScheduledWithoutATransport() throws {
        w.settings = .default
        try w.reopen(clock: clock.closure)
        try w.ledger.giveAddresses(["head"], notify: .digest)
        _ = try w.submit(ReportDraft(category: "bribery", narrative: "x"))
        XCTAssertEqual(try w.ledger.scheduleDigests(now: now), 0)
        XCTAssertEqual(try w.ledger.scanDeadlines(now: now + 30 * 86400), 0)
    }
}
