import Casework
import Foundation
import Vault
import XCTest
@testable import Casefile
import TestSupport

final class CaseListingTests: XCTestCase {
    var world: World!

    override func setUpWithError() throws {
        world = try World()
        try world.standardRoster()
    }

    override func tearDown() { world = nil }

    func unlock(_ login: String) throws -> (Int64, StaffPrivateKey) {
        guard case .success(let u) = try world.ledger.login(login, password: World.password, totpCode: "") else {
            throw NSError(domain: "login", code: 1)
        }
        return (u.account.id, u.key)
    }

    func submit(_ narrative: String) throws -> Receipt {
        try world.submit(ReportDraft(category: "bribery", narrative: narrative, accused: [AccusedPerson(name: "某甲", post: "科长")]))
    }

    func testTheInboxListsTheCasesTheAccountHoldsNewestFirstAndNoOthers() throws {
        let first = try submit("LISTING-ONE")
        let second = try submit("LISTING-TWO")
        let (headID, _) = try unlock("head")
        let listed = try world.ledger.inbox(accountID: headID)
        XCTAssertEqual(listed.map(\.ref), [second.caseRef, first.caseRef], "newest first")
        XCTAssertEqual(listed.first?.register, second.registerNumber.description)
        XCTAssertEqual(listed.first?.capacities, ["intake"])
        XCTAssertEqual(listed.first?.state, .submitted)
        XCTAssertFalse(listed.first?.deadlines.isEmpty ?? true, "an open case has its deadlines")
        for login in ["inspector1", "chairman", "admin", "auditor"] {
            let (id, _) = try unlock(login)
            XCTAssertEqual(try world.ledger.inbox(accountID: id).map(\.ref), [], "\(login) holds no grant, so lists nothing")
        }
    }

    func testACaseShowsItsDesignatedInspectorsDeadlinesStateAndWhatItsHolderMayDo() throws {
        let receipt = try submit("LISTING-CASE")
        let (headID, headKey) = try unlock("head")
        guard case .granted(let c) = try world.ledger.staffCase(ref: receipt.caseRef, accountID: headID, key: headKey, action: .view) else {
            return XCTFail("the head holds a new case")
        }
        XCTAssertEqual(try world.ledger.designatedInspectors(of: c), [])
        XCTAssertEqual(try world.ledger.deadlines(of: c).map(\.kind), try world.ledger.inbox(accountID: headID).first?.deadlines.map(\.kind))
        XCTAssertTrue(c.permits(.register))
        XCTAssertFalse(c.permits(.conclude), "the workflow does not allow concluding a case just received")
        try world.ledger.register(c, category: nil, message: nil)
        let now = try world.ledger.currentState(of: c)
        XCTAssertEqual(now.state, CaseState.registered.rawValue, "the state as committed, not as the case was opened")
        XCTAssertNil(now.outcome)
        let inspector = try XCTUnwrap(try world.ledger.account(login: "inspector1"))
        try world.ledger.designate(c, inspectorID: inspector.id)
        XCTAssertEqual(try world.ledger.designatedInspectors(of: c), [inspector.id])
        XCTAssertEqual(try world.ledger.inbox(accountID: inspector.id).map(\.capacities), [["inspector"]],
                       "designated, the inspector holds a grant and lists the case")
    }

    /// The lists show the deadline a case must meet next; art. 9's feedback is met only by a
    /// message marked as feedback, not by the registration note nor by a routine message.
    func testTheNextDeadlineAndFeedbackOnlyWhenMarked() throws {
        let receipt = try submit("LISTING-FEEDBACK")
        let (headID, headKey) = try unlock("head")
        func entry() throws -> InboxEntry { try XCTUnwrap(try world.ledger.inbox(accountID: headID).first { $0.ref == receipt.caseRef }) }
        XCTAssertEqual(try entry().nextDeadline?.kind, .register)
        guard case .granted(let c) = try world.ledger.staffCase(ref: receipt.caseRef, accountID: headID, key: headKey, action: .register) else {
            return XCTFail("the head holds a new case")
        }
        try world.ledger.register(c, category: nil, message: "您的举报已收到并登记。")
        XCTAssertEqual(try entry().nextDeadline?.kind, .feedback, "a registration note is not feedback")
        guard case .granted(let m) = try world.ledger.staffCase(ref: receipt.caseRef, accountID: headID, key: headKey, action: .messageReporter) else {
            return XCTFail("the head may message the reporter")
        }
        try world.ledger.messageReporter(m, text: "请补充材料")
        XCTAssertEqual(try entry().nextDeadline?.kind, .feedback, "an unmarked message is not feedback")
        try world.ledger.messageReporter(m, text: "正在核查中", feedback: true)
        XCTAssertNil(try entry().nextDeadline, "every deadline met")
        XCTAssertNotNil(try entry().deadlines.first { $0.kind == .feedback }?.metOn)
    }

    /// Reward state and pending identity requests are read only for cases the account holds.
    func testRewardStatesAndIdentityRequestsFollowTheGrants() throws {
        _ = try submit("LISTING-GRANTS")
        for login in ["inspector1", "chairman", "admin"] {
            let (id, _) = try unlock(login)
            XCTAssertTrue(try world.ledger.rewardStates(accountID: id).isEmpty, login)
            XCTAssertTrue(try world.ledger.casesWithPendingIdentityRequests(accountID: id).isEmpty, login)
        }
    }
}
