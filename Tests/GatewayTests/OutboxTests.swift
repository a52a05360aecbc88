@testable import Casefile
import Casework
@testable import ConsoleSite
import Foundation
@testable import Gateway
@testable import ReporterSite
@testable import SiteKit
import TestSupport
import XCTest

/// Who is queued a notice for which event; everything queued in the event's own transaction.
final class OutboxTests: XCTestCase {
    var cw: ConsoleWorld!

    override func setUpWithError() throws {
        var settings = notifyingSettings()
        settings.alternates.intake = "inspector2"
        cw = try ConsoleWorld(settings: settings)
        try cw.ledger.giveAddresses(everyone)
    }

    override func tearDown() { cw = nil }

    func testNewReportIsForTheIntakeHolderOnly() throws {
        _ = try cw.submit(ReportDraft(category: "bribery", narrative: "x"))
        XCTAssertEqual(try cw.ledger.queuedLogins(), ["head"])
        XCTAssertEqual(try cw.ledger.outboxRows().map(\.kind), ["immediate"])
    }

    func testAnExcludedHeadGetsNothingAndTheAlternateIntakeDoes() throws {
        let head = try XCTUnwrap(try cw.ledger.account(login: "head"))
        _ = try cw.submit(ReportDraft(category: "bribery", narrative: "x", excludedHandlers: [head.id]))
        XCTAssertEqual(try cw.ledger.queuedLogins(), ["inspector2"])
    }

    func testAccountsWithoutAddressOrWithOtherPreferencesGetNoImmediateNotice() throws {
        for (notify, expected) in [(NotifyPreference.digest, 0), (.none, 0), (.immediate, 1)] {
            try cw.ledger.clearOutbox()
            try cw.ledger.giveAddresses(["head"], notify: notify)
            _ = try cw.submit(ReportDraft(category: "bribery", narrative: "x"))
            XCTAssertEqual(try cw.ledger.outboxRows().count, expected, notify.rawValue)
        }
        try cw.ledger.clearOutbox()
        try cw.ledger.setNotification(login: "head", email: nil, notify: .immediate, actor: "test")
        _ = try cw.submit(ReportDraft(category: "bribery", narrative: "x"))
        XCTAssertEqual(try cw.ledger.outboxRows(), [])
    }

    func testNothingIsQueuedWithoutATransport() throws {
        cw.world.settings = .default
        try cw.reopen()
        _ = try cw.submit(ReportDraft(category: "bribery", narrative: "x"))
        XCTAssertEqual(try cw.ledger.outboxRows(), [])
    }

    func testReporterReplyAndEvidenceAreForEveryHolderOfTheCase() throws {
        let head = try cw.signIn("head")
        let receipt = try cw.submit(ReportDraft(category: "bribery", narrative: "x"))
        XCTAssertEqual(try cw.act(head, receipt.caseRef, "register").status.code, 303)
        XCTAssertEqual(try cw.act(head, receipt.caseRef, "propose", [("text", "s")]).status.code, 303)
        try cw.ledger.clearOutbox()
        let reporter = try XCTUnwrap(try? cw.ledger.openCase(code: receipt.code!.digits, gate: LookupGateHandle()).get())
        try cw.ledger.reporterReply(reporter, text: "more")
        XCTAssertEqual(try cw.ledger.queuedLogins(), ["chairman", "head", "secretary"])
        try cw.ledger.clearOutbox()
        let staging = cw.ledger.beginEvidence(reporter)
        let writer = try staging.beginFile(in: cw.ledger.files)
        try writer.write(Array("evidence".utf8))
        try staging.finishFile(writer, meta: AttachmentMeta(fileName: "a.txt", contentType: "text/plain", size: 8, metadataStripped: false))
        try cw.ledger.reporterAddEvidence(reporter, staging: staging)
        XCTAssertEqual(try cw.ledger.queuedLogins(), ["chairman", "head", "secretary"])
    }

    func testAReplyOnACaseWithAnExcludedHeadSkipsTheHead() throws {
        let head = try XCTUnwrap(try cw.ledger.account(login: "head"))
        let receipt = try cw.submit(ReportDraft(category: "bribery", narrative: "x", excludedHandlers: [head.id]))
        try cw.ledger.clearOutbox()
        let reporter = try XCTUnwrap(try? cw.ledger.openCase(code: receipt.code!.digits, gate: LookupGateHandle()).get())
        try cw.ledger.reporterReply(reporter, text: "more")
        XCTAssertEqual(try cw.ledger.queuedLogins(), ["inspector2"])
    }

    func testProposalIsForBothSeatHolders() throws {
        let head = try cw.signIn("head")
        let receipt = try cw.submit(ReportDraft(category: "bribery", narrative: "x"))
        XCTAssertEqual(try cw.act(head, receipt.caseRef, "register").status.code, 303)
        try cw.ledger.clearOutbox()
        XCTAssertEqual(try cw.act(head, receipt.caseRef, "propose", [("text", "s")]).status.code, 303)
        XCTAssertEqual(try cw.ledger.queuedLogins(), ["chairman", "secretary"])
    }

    func testARefusedTransitionQueuesNothing() throws {
        let receipt = try cw.submit(ReportDraft(category: "bribery", narrative: "x"))
        let head = try XCTUnwrap(try cw.ledger.account(login: "head"))
        let key = try XCTUnwrap(try cw.ledger.unlockKey(accountID: head.id, password: World.password))
        guard case .granted(let c) = try cw.ledger.staffCase(ref: receipt.caseRef, accountID: head.id, key: key, action: .register) else {
            return XCTFail("the head holds the case")
        }
        try cw.ledger.register(c, category: nil, message: nil)
        guard case .granted(let registered) = try cw.ledger.staffCase(ref: receipt.caseRef, accountID: head.id, key: key, action: .propose) else {
            return XCTFail("the head may propose")
        }
        try cw.ledger.propose(registered, summary: "s")
        try cw.ledger.clearOutbox()
        // The same stale case again: the compare-and-set fails and the whole transaction,
        // grants, audit and notices, rolls back.
        XCTAssertThrowsError(try cw.ledger.propose(registered, summary: "s"))
        XCTAssertEqual(try cw.ledger.outboxRows(), [])
    }

    func testRewardProposalIsForBothSeatHolders() throws {
        let head = try cw.signIn("head")
        let receipt = try cw.submit(ReportDraft(category: "private_contracting", narrative: "x"))
        let ref = receipt.caseRef
        XCTAssertEqual(try cw.act(head, ref, "register").status.code, 303)
        XCTAssertEqual(try cw.act(head, ref, "propose", [("text", "s")]).status.code, 303)
        XCTAssertEqual(try cw.act(try cw.signIn("chairman"), ref, "approve").status.code, 303)
        XCTAssertEqual(try cw.act(try cw.signIn("secretary"), ref, "approve").status.code, 303)
        let inspector = try XCTUnwrap(try cw.ledger.account(login: "inspector1"))
        XCTAssertEqual(try cw.act(head, ref, "designate", [("inspector", String(inspector.id))]).status.code, 303)
        XCTAssertEqual(try cw.act(try cw.signIn("inspector1"), ref, "report", [("text", "r")]).status.code, 303)
        XCTAssertEqual(try cw.act(head, ref, "submit").status.code, 303)
        XCTAssertEqual(try cw.act(head, ref, "conclude", [("outcome", "substantiated")]).status.code, 303)
        XCTAssertEqual(try cw.act(head, ref, "reward-assess", [("loss", "50,000")]).status.code, 303)
        try cw.ledger.clearOutbox()
        XCTAssertEqual(try cw.act(head, ref, "reward-propose", [("amount", "5000")]).status.code, 303)
        XCTAssertEqual(try cw.ledger.queuedLogins(), ["chairman", "secretary"])
    }
}
