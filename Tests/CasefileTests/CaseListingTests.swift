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
}
