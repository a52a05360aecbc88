import Casework
import Foundation
import Synchronization
import Vault
import XCTest
@testable import Casefile
import TestSupport

/// Issue 16: a flood of wrong tracking codes must not lock a reporter out of their own case.
final class LookupPrefilterTests: XCTestCase {
    var world: World!

    override func setUpWithError() throws {
        world = try World()
        try world.standardRoster()
    }

    override func tearDown() { world = nil }

    func draft() -> ReportDraft {
        ReportDraft(category: "private_contracting", narrative: "某换热站私自接管", when: "2026年10月", whereText: "城东",
                    people: "", accused: [AccusedPerson(name: "某某乙", post: "施工队长")], estimatedLoss: "")
    }

    func wrongCode() -> TrackingCode { TrackingCode.generate { try! Random.bytes($0) } }

    func open(_ code: TrackingCode, gate: LookupGateHandle = LookupGateHandle()) throws -> (result: Result<ReporterCase, LookupFailure>, work: [ScryptTally.Derivation]) {
        let tally = ScryptTally()
        let result = try ScryptTally.$current.withValue(tally) { try world.ledger.openCase(code: code.grouped, gate: gate) }
        return (result, tally.derivations)
    }

    func tag(_ ref: String) throws -> Int64? {
        try world.ledger.pool.read { db in
            try db.queryOne("SELECT lookup_tag FROM cases WHERE ref = ?", [.text(ref)])?.reader(table: "cases").optional("lookup_tag")
        }
    }

    static let oneDerivation = [ScryptTally.Derivation(parameters: TrackingKeys.parameters, outputCount: 64)]

    func testAWrongCodeCostsNoDerivationAndARightOneOne() throws {
        let receipts = try (0..<3).map { _ in try world.submit(draft()) }
        for _ in 0..<20 {
            let miss = try open(wrongCode())
            guard case .failure(.notFound) = miss.result else { return XCTFail("a wrong code opens nothing") }
            XCTAssertEqual(miss.work, [], "a wrong code is answered without scrypt")
        }
        for receipt in receipts {
            let hit = try open(XCTUnwrap(receipt.code))
            guard case .success(let opened) = hit.result else { return XCTFail("the right code opens its case") }
            XCTAssertEqual(opened.ref, receipt.caseRef)
            XCTAssertEqual(hit.work, Self.oneDerivation, "only the case's own cost is derived")
        }
    }

    func testTheTagIsTheKeyedHMACAndTheDatabaseAloneTestsNoCode() throws {
        let receipt = try world.submit(draft())
        let code = try XCTUnwrap(receipt.code)
        let stored = try XCTUnwrap(try tag(receipt.caseRef))
        XCTAssertEqual(stored, try LookupPrefilter.of(code: code, pepper: world.ledger.keys.pepper).tag)
        // Under any other key (a guessed or empty pepper) the code's tag is another number.
        XCTAssertNotEqual(stored, try LookupPrefilter.of(code: code, pepper: SecureBytes(Array(repeating: 0, count: 32))).tag)
        XCTAssertTrue((0..<(Int64(1) << LookupPrefilter.bits)).contains(stored))
    }

    func testACaseFromBeforeThePrefilterOpensAndGetsItsTag() throws {
        let receipt = try world.submit(draft())
        let expected = try tag(receipt.caseRef)
        // As migration 0013 leaves a case made before it: a lookup id and no tag.
        try world.ledger.pool.write { db in try db.execute("UPDATE cases SET lookup_tag = NULL") }
        // While it has no tag, every code must try it (a miss costs its derivation).
        XCTAssertEqual(try open(wrongCode()).work, Self.oneDerivation)
        let hit = try open(XCTUnwrap(receipt.code))
        guard case .success(let opened) = hit.result else { return XCTFail("a code from before the prefilter still opens") }
        XCTAssertEqual(opened.ref, receipt.caseRef)
        XCTAssertEqual(try tag(receipt.caseRef), expected, "its first open stores the tag")
        XCTAssertEqual(try open(wrongCode()).work, [], "and wrong codes are cheap again")
    }

    func testAWrongCodeThatPassesThePrefilterIsDerivedOnceOnly() throws {
        let receipt = try world.submit(draft())
        // A wrong code whose tag a case shares: found by time, a flooder could replay it.
        let wrong = wrongCode()
        let shared = try LookupPrefilter.of(code: wrong, pepper: world.ledger.keys.pepper).tag
        try world.ledger.pool.write { db in try db.execute("UPDATE cases SET lookup_tag = ?", [.integer(shared)]) }
        let gate = LookupGateHandle()
        let first = try open(wrong, gate: gate)
        guard case .failure(.notFound) = first.result else { return XCTFail("it opens nothing") }
        XCTAssertEqual(first.work, Self.oneDerivation)
        let again = try open(wrong, gate: gate)
        guard case .failure(.notFound) = again.result else { return XCTFail("it opens nothing") }
        XCTAssertEqual(again.work, [], "a known miss is not derived again")
        // The right code with the same tag is not a known miss.
        let right = try LookupPrefilter.of(code: XCTUnwrap(receipt.code), pepper: world.ledger.keys.pepper).tag
        try world.ledger.pool.write { db in try db.execute("UPDATE cases SET lookup_tag = ?", [.integer(right)]) }
        guard case .success = try open(XCTUnwrap(receipt.code), gate: gate).result else { return XCTFail("the right code opens") }
    }

    func testAFloodOfWrongCodesDoesNotMakeTheGenuineLookupBusy() throws {
        let code = try XCTUnwrap(try world.submit(draft()).code)
        // The server's gate, made as tight as it goes: one derivation at a time, none waiting.
        // Before the prefilter every wrong code took the gate, so the reporter met "busy".
        let gate = LookupGateHandle(slots: 1, queue: 0)
        let flood = Flood()
        let ledger: Ledger = world.ledger
        let flooders = (0..<8).map { _ in
            Thread {
                while !flood.stop.load(ordering: .relaxed) {
                    _ = try? ledger.openCase(code: TrackingCode.generate { try! Random.bytes($0) }.digits, gate: gate)
                    flood.sent.wrappingAdd(1, ordering: .relaxed)
                }
                flood.done.signal()
            }
        }
        flooders.forEach { $0.start() }
        defer {
            flood.stop.store(true, ordering: .relaxed)
            flooders.forEach { _ in flood.done.wait() }
        }
        while flood.sent.load(ordering: .relaxed) < 100 { usleep(1000) }
        var answers: [String] = []
        for _ in 0..<20 {
            switch try ledger.openCase(code: code.grouped, gate: gate) {
            case .success: answers.append("opened")
            case .failure(let failure): answers.append("\(failure)")
            }
        }
        XCTAssertEqual(answers, Array(repeating: "opened", count: 20), "every genuine lookup gets through on its first try")
        XCTAssertGreaterThan(flood.sent.load(ordering: .relaxed), 100)
    }
}

/// What the flooding threads share with the test.
private final class Flood: Sendable {
    let stop = Atomic<Bool>(false)
    let sent = Atomic<Int>(0)
    let done = DispatchSemaphore(value: 0)
}
