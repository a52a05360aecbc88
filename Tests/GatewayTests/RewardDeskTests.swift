@testable import Casefile
import Casework
@testable import ConsoleSite
import Foundation
@testable import Gateway
import HTTPCore
@testable import ReporterSite
@testable import SiteKit
import XCTest

final class RewardDeskTests: XCTestCase {
    var cw: ConsoleWorld!
    var head: ConsoleWorld.Session!

    override func setUpWithError() throws {
        cw = try ConsoleWorld()
        head = try cw.signIn("head")
    }

    override func tearDown() { cw = nil }

    /// Drives a report to concluded with the given outcome through the console.
    func concluded(_ outcome: Outcome = .substantiated) throws -> Receipt {
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
        XCTAssertEqual(try cw.act(head, ref, "conclude", [("outcome", outcome.rawValue)]).status.code, 303)
        return receipt
    }

    func reporterReward(_ receipt: Receipt) throws -> ReporterView.Reward? {
        let reporter = try XCTUnwrap(try? cw.ledger.openCase(code: receipt.code!.digits, gate: LookupGateHandle()).get())
        return try cw.ledger.reporterView(reporter).reward
    }

    func testEligibleProposedInBandApprovedByBothSeatsAndPaid() throws {
        let receipt = try concluded()
        let ref = receipt.caseRef
        XCTAssertEqual(try cw.act(head, ref, "reward-assess", [("loss", "50,000")]).status.code, 303)
        let low = try cw.act(head, ref, "reward-propose", [("amount", "499.99")])
        XCTAssertEqual(low.status.code, 422)
        XCTAssertTrue(html(low).contains("500.00 and 5,000.00"), "the band is shown")
        XCTAssertEqual(try cw.act(head, ref, "reward-propose", [("amount", "5000")]).status.code, 303)
        XCTAssertNil(try reporterReward(receipt), "nothing is shown before company consent")
        XCTAssertEqual(try cw.act(head, ref, "reward-approve").status.code, 403, "the head does not approve")
        XCTAssertEqual(try cw.act(try cw.signIn("chairman"), ref, "reward-approve").status.code, 303)
        XCTAssertNil(try reporterReward(receipt), "one seat is not the company's consent")
        XCTAssertEqual(try cw.act(try cw.signIn("secretary"), ref, "reward-approve").status.code, 303)
        let approved = try XCTUnwrap(try reporterReward(receipt))
        XCTAssertEqual(approved.decision, .approved)
        XCTAssertEqual(approved.amount, Fen.yuan(5_000))
        XCTAssertTrue(approved.claimRef?.hasPrefix("JL-") ?? false)
        XCTAssertEqual(try cw.act(head, ref, "reward-paid", [("code", receipt.code!.grouped)]).status.code, 303)
        XCTAssertEqual(try reporterReward(receipt)?.decision, .paid)
    }

    /// Each reason, from a record whose source is an earlier case in the register (received the
    /// day before): the only way a record entered after the report can predate it.
    func testEachArt14ReasonAndTheReporterIsTold() throws {
        for (kind, number) in [("discovered", 1), ("investigating", 2), ("measures_taken", 3)] {
            let earlier = try cw.submit(ReportDraft(category: "bribery", narrative: "earlier"))
            XCTAssertEqual(try cw.act(head, earlier.caseRef, "register").status.code, 303)
            cw.clock.advance(86_400)
            head = try cw.signIn("head")
            let receipt = try concluded()
            XCTAssertEqual(try cw.act(head, receipt.caseRef, "prior-knowledge",
                                      [("kind", kind), ("text", "known"), ("source", "register"),
                                       ("source_case", earlier.registerNumber.description)]).status.code, 303)
            XCTAssertEqual(try cw.act(head, receipt.caseRef, "reward-assess", [("loss", "1000")]).status.code, 303)
            let reward = try XCTUnwrap(try reporterReward(receipt))
            XCTAssertEqual(reward.decision, .excluded)
            XCTAssertEqual(reward.reasons, [number])
            XCTAssertEqual(try cw.act(head, receipt.caseRef, "reward-propose", [("amount", "500")]).status.code, 422)
        }
    }

    func testSameDayRecordDoesNotExcludeAndOnlyTheEarliestReportIsRewarded() throws {
        let first = try concluded()
        let second = try concluded()
        XCTAssertEqual(try cw.act(head, first.caseRef, "prior-knowledge",
                                  [("kind", "discovered"), ("text", "known today"), ("source", "a call")]).status.code, 303)
        XCTAssertEqual(try cw.act(head, first.caseRef, "reward-assess",
                                  [("loss", "100"), ("same_matter", second.registerNumber.description)]).status.code, 303)
        XCTAssertNil(try reporterReward(first), "eligible: nothing to tell until approval")
        XCTAssertEqual(try cw.act(head, second.caseRef, "reward-assess",
                                  [("loss", "100"), ("same_matter", first.registerNumber.description)]).status.code, 303)
        XCTAssertEqual(try reporterReward(second)?.reasons, [0], "same day, registered later: the earlier report wins")
    }

    func testOnlyConcludedSubstantiatedIsAssessed() throws {
        let un = try concluded(.unsubstantiated)
        XCTAssertEqual(try cw.act(head, un.caseRef, "reward-assess", [("loss", "100")]).status.code, 403)
        let open = try cw.submit(ReportDraft(category: "bribery", narrative: "x"))
        XCTAssertEqual(try cw.act(head, open.caseRef, "reward-assess", [("loss", "100")]).status.code, 403)
        let bad = try concluded()
        XCTAssertEqual(try cw.act(head, bad.caseRef, "reward-assess", [("loss", "五万")]).status.code, 422)
        XCTAssertEqual(try cw.act(head, bad.caseRef, "reward-assess", [("loss", "1"), ("same_matter", "JB-1999-000001")]).status.code, 422)
    }
}
