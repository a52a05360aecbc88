import Casework
import Foundation
import Vault
import XCTest
@testable import Casefile
import TestSupport

/// Finding 5 of issue 14: raising the tracking-code cost must orphan no code.
final class LookupCostTests: XCTestCase {
    var world: World!

    override func setUpWithError() throws {
        world = try World()
        try world.standardRoster()
    }

    override func tearDown() { world = nil }

    static let raised = try! ScryptParameters(logN: 15, r: 8, p: 1)

    func draft() -> ReportDraft {
        ReportDraft(category: "private_contracting", narrative: "某换热站私自接管", when: "2026年10月", whereText: "城东",
                    people: "", accused: [AccusedPerson(name: "某某乙", post: "施工队长")], estimatedLoss: "")
    }

    /// The settings as an operator edits them: the JSON file with `tracking_code_cost` raised.
    func settings(cost: [String: Int]) throws -> Settings {
        var object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(world.settings.encodedJSON())) as? [String: Any])
        object["tracking_code_cost"] = cost
        return try Settings.load(json: Array(try JSONSerialization.data(withJSONObject: object)))
    }

    func raiseCost() throws {
        world.settings = try settings(cost: ["log_n": 15, "r": 8, "p": 1])
        try world.reopen()
    }

    func open(_ code: String) throws -> (ref: String?, work: [ScryptTally.Derivation]) {
        let tally = ScryptTally()
        let result = try ScryptTally.$current.withValue(tally) { try world.ledger.openCase(code: code, gate: LookupGateHandle()) }
        if case .success(let opened) = result { return (opened.ref, tally.derivations) }
        return (nil, tally.derivations)
    }

    func storedCost(_ ref: String) throws -> String? {
        try world.ledger.pool.read { db in try db.queryOne("SELECT lookup_params FROM cases WHERE ref = ?", [.text(ref)])?.string("lookup_params") }
    }

    func testRaisedCostKeepsOldCodesAndGivesNewCodesTheNewCost() throws {
        let old = try world.submit(draft())
        try raiseCost()
        let new = try world.submit(draft())
        XCTAssertEqual(try storedCost(old.caseRef), TrackingKeys.parameters.encoded)
        XCTAssertEqual(try storedCost(new.caseRef), Self.raised.encoded, "a new code uses the cost in force")
        XCTAssertEqual(try open(XCTUnwrap(old.code).grouped).ref, old.caseRef, "a code made before the raise still opens its case")
        XCTAssertEqual(try open(XCTUnwrap(new.code).grouped).ref, new.caseRef)
        let wrong = TrackingCode.generate { try! Random.bytes($0) }
        XCTAssertNil(try open(wrong.digits).ref, "a wrong code opens nothing under either cost")
    }

    func testEachCodeDerivesItsOwnCostAfterTheRaise() throws {
        let old = try world.submit(draft())
        try raiseCost()
        let new = try world.submit(draft())
        let oldWork = try open(XCTUnwrap(old.code).grouped)
        let newWork = try open(XCTUnwrap(new.code).grouped)
        let missing = try open(TrackingCode.generate { try! Random.bytes($0) }.digits)
        XCTAssertNotNil(oldWork.ref)
        XCTAssertNotNil(newWork.ref)
        XCTAssertNil(missing.ref)
        // Issue 16: the prefilter sends a code to scrypt only for the cases its tag matches, at
        // the cost each was made with; a wrong code matches none and costs no derivation.
        XCTAssertEqual(oldWork.work, [ScryptTally.Derivation(parameters: TrackingKeys.parameters, outputCount: 64)])
        XCTAssertEqual(newWork.work, [ScryptTally.Derivation(parameters: Self.raised, outputCount: 64)])
        XCTAssertEqual(missing.work, [])
    }

    func testACostBelowTheFloorOrAboveTheCeilingIsRefused() throws {
        for cost in [["log_n": 10, "r": 8, "p": 1], ["log_n": 14, "r": 1, "p": 1], ["log_n": 22, "r": 8, "p": 1], ["log_n": 20, "r": 16, "p": 1]] {
            XCTAssertThrowsError(try settings(cost: cost), "\(cost)")
        }
        XCTAssertNoThrow(try settings(cost: ["log_n": 16, "r": 8, "p": 2]))
    }

    func testADatabaseWriterCannotMakeLookupsUnboundedlySlow() throws {
        // Each extra cost in `lookup_params` would add a derivation to a lookup: past the
        // bound, lookups are refused before any derivation rather than slowed without limit.
        let refs = try (0..<5).map { _ in try world.submit(draft()).caseRef }
        let code = try XCTUnwrap(try world.submit(draft()).code)
        try world.ledger.pool.write { db in
            // Without a tag (as cases from before the prefilter) every case is tried by every code.
            try db.execute("UPDATE cases SET lookup_tag = NULL")
            for (i, ref) in refs.enumerated() {
                try db.execute("UPDATE cases SET lookup_params = ? WHERE ref = ?", [.text("ln=\(15 + i),r=8,p=1"), .text(ref)])
            }
        }
        let tally = ScryptTally()
        XCTAssertThrowsError(try ScryptTally.$current.withValue(tally) { try world.ledger.openCase(code: code.grouped, gate: LookupGateHandle()) })
        XCTAssertEqual(tally.derivations, [], "refused before any work")
        // A stored cost that does not parse refuses too, rather than silently orphaning a code.
        try world.ledger.pool.write { db in
            try db.execute("UPDATE cases SET lookup_params = 'ln=14,r=8,p=1'")
            try db.execute("UPDATE cases SET lookup_params = 'garbage' WHERE ref = ?", [.text(refs[0])])
        }
        XCTAssertThrowsError(try world.ledger.openCase(code: code.grouped, gate: LookupGateHandle()))
    }
}
