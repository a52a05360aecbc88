@testable import Casefile
import Casework
import Courier
import Foundation
@testable import Gateway
import SQLiteDB
import TestSupport
import XCTest

/// The checkpoint mailed daily to the auditors: a copy outside the server that a later cut of
/// the log cannot reach, sealed so the mailbox learns nothing from it.
final class AuditCheckpointMailTests: XCTestCase {
    let clock = TestClock()   // starts 2026-11-18 19:06:40 +08:00, past the digest hour
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

    /// The body as the auditor reads it (it goes base64 on the wire), and the sealed line in it.
    func sealedLine(_ mail: SMTPSink.Received) throws -> String {
        let encoded = mail.text.components(separatedBy: "\r\n\r\n")[1].replacingOccurrences(of: "\r\n", with: "")
        let body = String(decoding: try XCTUnwrap(Data(base64Encoded: encoded)), as: UTF8.self)
        return try XCTUnwrap(body.components(separatedBy: "\r\n").first { $0.hasPrefix("candor-audit-checkpoint v1 sealed=") }, body)
    }

    func testTheAuditorGetsOneSealedCheckpointADayThatLaterFindsACut() throws {
        try w.ledger.giveAddresses(["auditor", "head"], notify: .none)
        let worker = NotificationWorker(ledger: w.ledger, transport: sinkTransport(sink.port))
        try worker.runOnce(now: now)
        try worker.runOnce(now: now + 60)
        let mails = sink.wait(for: 1)
        XCTAssertEqual(mails.count, 1, "one mail, to the auditor only, once a day")
        let mail = try XCTUnwrap(mails.first)
        XCTAssertEqual(mail.recipients, ["<auditor@corp.example>"])
        let sealed = try sealedLine(mail)
        XCTAssertFalse(sealed.contains("count="), "the mailbox does not learn the count")
        let checkpoint = try w.ledger.readAuditCheckpoint(sealed)
        XCTAssertEqual(try w.ledger.verifyAudit(against: checkpoint), .success(Int(checkpoint.count) + 1),
                       "the log grew by the entry recording the mail")

        let db = try Database(path: w.dataFolder.appendingPathComponent("candor.sqlite").path)
        try db.execute("DROP TRIGGER audit_log_no_delete")
        try db.execute("DELETE FROM audit_log WHERE id >= ?", [.integer(checkpoint.count)])
        try db.close()
        guard case .failure(let cut) = try w.ledger.verifyAudit(against: checkpoint) else { return XCTFail("cut not found") }
        XCTAssertEqual(cut.kind, .cutBelow(checkpointCount: checkpoint.count))

        XCTAssertThrowsError(try w.ledger.readAuditCheckpoint(String(sealed.dropLast(2)) + "00")) { XCTAssertTrue($0 is AuditCheckpoint.Damaged) }
    }

    func testARelayThatIsDownIsTriedAgainLaterAndNothingIsMarkedSent() throws {
        try w.ledger.giveAddresses(["auditor"])
        let down = NotificationWorker(ledger: w.ledger, transport: sinkTransport(try closedPort()))
        try down.runOnce(now: now)
        let day = try XCTUnwrap(w.ledger.auditCheckpointDay(now: now))
        let auditor = try XCTUnwrap(w.ledger.accounts().first { $0.login == "auditor" })
        XCTAssertFalse(try w.ledger.auditCheckpointMailed(accountID: auditor.id, day: day))
        let up = NotificationWorker(ledger: w.ledger, transport: sinkTransport(sink.port))
        try up.runOnce(now: now + 60)
        XCTAssertEqual(sink.wait(for: 1).count, 1)
        XCTAssertTrue(try w.ledger.auditCheckpointMailed(accountID: auditor.id, day: day))
    }
}
