import Casework
import Foundation
import Vault
import XCTest
@testable import Casefile
import TestSupport

/// Art. 14's earliest-report rule reads the same-matter links sealed in the case.
final class RewardDeskTests: XCTestCase {
    var world: World!
    var head: (id: Int64, key: StaffPrivateKey)!

    override func setUpWithError() throws {
        world = try World()
        try world.standardRoster()
        let account = try XCTUnwrap(try world.ledger.account(login: "head"))
        head = (account.id, try XCTUnwrap(try world.ledger.unlockKey(accountID: account.id, password: World.password)))
    }

    override func tearDown() { world = nil }

    func open(_ receipt: Receipt, _ action: CaseAction) throws -> StaffCase {
        guard case .granted(let c) = try world.ledger.staffCase(ref: receipt.caseRef, accountID: head.id, key: head.key, action: action) else {
            XCTFail("the head holds every case here")
            throw CocoaError(.featureUnsupported)
        }
        return c
    }

    /// A link made from the related reports survives the reward's assessment, and the later
    /// report is excluded for it (the assessment used to replace the links with the typed ones).
    func testAnAssessmentKeepsTheLinksMadeFromRelatedReports() throws {
        let earlier = try world.submit(Samples.draft(1))
        let later = try world.submit(Samples.draft(2))
        let other = try world.submit(Samples.draft(3))
        for receipt in [earlier, later] {
            try world.rewrite(receipt.caseRef, "UPDATE cases SET state = 'concluded', outcome = 'substantiated' WHERE ref = ?", [.text(receipt.caseRef)])
        }
        try world.ledger.linkSameMatter(try open(later, .view), register: earlier.registerNumber.description)
        let eligibility = try world.ledger.assessReward(try open(later, .assessReward), verifiedLoss: .yuan(50_000),
                                                        sameMatter: [other.registerNumber])
        guard case .excluded = eligibility else { return XCTFail("the earlier linked report comes first: \(eligibility)") }
        XCTAssertEqual(try world.ledger.sameMatterLinks(try open(later, .view)),
                       [earlier.registerNumber.description, other.registerNumber.description], "kept, and the typed one added")
        try world.ledger.assessReward(try open(later, .assessReward), verifiedLoss: .yuan(50_000), sameMatter: [])
        XCTAssertEqual(try world.ledger.sameMatterLinks(try open(later, .view)).count, 2, "a re-assessment drops none")
    }
}
