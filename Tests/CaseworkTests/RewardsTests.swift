import XCTest
@testable import Casework

final class RewardsTests: XCTestCase {
    let bands = RewardBands.policyDefault
    let received = Day("2026-06-10")!

    func assess(loss: Fen?, prior: [PriorKnowledge] = [], linked: [LinkedReport] = [],
                state: CaseState = .concluded, outcome: Outcome? = .substantiated, sequence: Int64 = 10) -> RewardEligibility {
        RewardRule.assess(outcome: outcome, state: state, verifiedLoss: loss, receivedOn: received, sequence: sequence,
                          priorKnowledge: prior, linkedReports: linked, bands: bands)
    }

    func testBandEdges() {
        let lower = bands.bands[0], upper = bands.bands[1]
        XCTAssertEqual(assess(loss: Fen(0)), .eligible(band: lower))
        XCTAssertEqual(assess(loss: Fen(4_999_999)), .eligible(band: lower), "49,999.99 yuan")
        XCTAssertEqual(assess(loss: Fen(5_000_000)), .eligible(band: upper), "exactly 50,000 is the upper band")
        XCTAssertEqual(assess(loss: Fen(Int64.max)), .eligible(band: upper), "very large")
        XCTAssertEqual(lower.minimum, .yuan(100))
        XCTAssertEqual(lower.maximum, .yuan(1_000))
        XCTAssertEqual(upper.minimum, .yuan(500))
        XCTAssertEqual(upper.maximum, .yuan(5_000))
    }

    func testOnlyConcludedSubstantiatedIsAssessed() {
        for (state, outcome) in [(CaseState.concluded, Outcome.unsubstantiated), (.investigating, .substantiated), (.refused, .substantiated)] {
            guard case .notAssessable = assess(loss: Fen(100), state: state, outcome: outcome) else {
                return XCTFail("\(state) \(outcome) must not be assessed")
            }
        }
        guard case .notAssessable = assess(loss: nil) else { return XCTFail("loss required") }
        guard case .notAssessable = assess(loss: Fen(-1)) else { return XCTFail("negative loss") }
    }

    func testEachArt14Reason() {
        let before = received.adding(days: -1)
        XCTAssertEqual(assess(loss: Fen(100), prior: [PriorKnowledge(kind: .discovered, enteredOn: before)]),
                       .excluded([.alreadyDiscovered(recordedOn: before)]))
        XCTAssertEqual(assess(loss: Fen(100), prior: [PriorKnowledge(kind: .investigating, enteredOn: before)]),
                       .excluded([.alreadyUnderInvestigation(recordedOn: before)]))
        XCTAssertEqual(assess(loss: Fen(100), prior: [PriorKnowledge(kind: .measuresTaken, enteredOn: before)]),
                       .excluded([.measuresAlreadyTaken(recordedOn: before)]))
        XCTAssertEqual(RewardExclusion.alreadyDiscovered(recordedOn: before).article14Reason, 1)
        XCTAssertEqual(RewardExclusion.alreadyUnderInvestigation(recordedOn: before).article14Reason, 2)
        XCTAssertEqual(RewardExclusion.measuresAlreadyTaken(recordedOn: before).article14Reason, 3)
    }

    func testRecordsOnOrAfterTheReportDoNotExclude() {
        let sameDay = PriorKnowledge(kind: .discovered, enteredOn: received)
        let after = PriorKnowledge(kind: .measuresTaken, enteredOn: received.adding(days: 3))
        XCTAssertEqual(assess(loss: Fen(100), prior: [sameDay, after]), .eligible(band: bands.bands[0]))
    }

    /// A record entered after the report counts only through an earlier case's received day,
    /// never through a day the head chose.
    func testARecordEnteredLateCountsOnlyThroughAnEarlierCase() {
        let late = received.adding(days: 20)
        XCTAssertEqual(assess(loss: Fen(100), prior: [PriorKnowledge(kind: .discovered, enteredOn: late)]), .eligible(band: bands.bands[0]))
        let sourced = PriorKnowledge(kind: .investigating, enteredOn: late, sourceReceivedOn: received.adding(days: -5))
        XCTAssertEqual(sourced.knownSince, received.adding(days: -5))
        XCTAssertEqual(assess(loss: Fen(100), prior: [sourced]), .excluded([.alreadyUnderInvestigation(recordedOn: received.adding(days: -5))]))
        let laterSource = PriorKnowledge(kind: .investigating, enteredOn: late, sourceReceivedOn: received.adding(days: 1))
        XCTAssertEqual(assess(loss: Fen(100), prior: [laterSource]), .eligible(band: bands.bands[0]))
    }

    func testOnlyTheEarliestReportOnAMatter() {
        let earlier = LinkedReport(registerNumber: "JB-2026-000003", receivedOn: received.adding(days: -2), sequence: 3)
        let later = LinkedReport(registerNumber: "JB-2026-000040", receivedOn: received.adding(days: 5), sequence: 40)
        XCTAssertEqual(assess(loss: Fen(100), linked: [later, earlier]),
                       .excluded([.earlierReport(registerNumber: "JB-2026-000003", receivedOn: earlier.receivedOn)]))
        XCTAssertEqual(assess(loss: Fen(100), linked: [later]), .eligible(band: bands.bands[0]))
    }

    func testTiesOnTheSameDayGoToTheFirstRegistered() {
        let sameDayFirst = LinkedReport(registerNumber: "JB-2026-000009", receivedOn: received, sequence: 9)
        let sameDaySecond = LinkedReport(registerNumber: "JB-2026-000011", receivedOn: received, sequence: 11)
        XCTAssertEqual(assess(loss: Fen(100), linked: [sameDayFirst], sequence: 10),
                       .excluded([.earlierReport(registerNumber: "JB-2026-000009", receivedOn: received)]))
        XCTAssertEqual(assess(loss: Fen(100), linked: [sameDaySecond], sequence: 10), .eligible(band: bands.bands[0]))
    }

    func testAmountMustBeInBand() throws {
        let lower = bands.bands[0]
        XCTAssertNoThrow(try RewardRule.checkAmount(.yuan(100), in: lower))
        XCTAssertNoThrow(try RewardRule.checkAmount(.yuan(1_000), in: lower))
        XCTAssertThrowsError(try RewardRule.checkAmount(Fen(9_999), in: lower)) {
            XCTAssertEqual(String(describing: $0), "The reward must be between 100.00 and 1,000.00 yuan for this loss (art. 13).")
        }
        XCTAssertThrowsError(try RewardRule.checkAmount(Fen(100_001), in: lower))
    }

    func testBandValidation() {
        XCTAssertNoThrow(try RewardBands.policyDefault.validate())
        var gap = RewardBands.policyDefault
        gap.bands[1].lossFrom = .yuan(60_000)
        XCTAssertThrowsError(try gap.validate())
        var inverted = RewardBands.policyDefault
        inverted.bands[0].minimum = .yuan(2_000)
        XCTAssertThrowsError(try inverted.validate())
        XCTAssertThrowsError(try RewardBands(bands: []).validate())
    }
}
