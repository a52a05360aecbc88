import XCTest
@testable import Casework

final class WorkflowTests: XCTestCase {
    func apply(_ t: Transition, _ f: CaseFacts, _ input: TransitionInput = .init()) throws -> CaseFacts {
        try Workflow.apply(t, to: f, input: input)
    }

    func testHappyPathToClosed() throws {
        var f = CaseFacts(state: .submitted)
        f = try apply(.register, f)
        XCTAssertEqual(f.state, .registered)
        f = try apply(.propose, f, .init(summary: "contracting on the side"))
        XCTAssertEqual(f.state, .awaitingApproval)
        XCTAssertFalse(Workflow.allows(.designate, in: f))
        f = try apply(.approve, f, .init(seat: .chairman))
        XCTAssertEqual(f.state, .awaitingApproval, "one seat is not enough (art. 7)")
        XCTAssertFalse(Workflow.allows(.designate, in: f))
        XCTAssertThrowsError(try apply(.approve, f, .init(seat: .chairman)))
        f = try apply(.approve, f, .init(seat: .partySecretary))
        XCTAssertEqual(f.state, .investigating)
        XCTAssertTrue(Workflow.allows(.designate, in: f))
        XCTAssertThrowsError(try apply(.fileReport, f), "no investigator designated yet")
        f.designatedInspectors = 1
        f = try apply(.suspend, f, .init(messageToReporter: "witness abroad until March"))
        XCTAssertEqual(f.state, .suspended)
        f = try apply(.resume, f)
        f = try apply(.fileReport, f)
        XCTAssertEqual(f.state, .reported)
        XCTAssertThrowsError(try apply(.conclude, f, .init(outcome: .substantiated)), "art. 8 first")
        XCTAssertTrue(Workflow.allows(.submitToLeaders, in: f))
        f.reportSubmittedToLeaders = true
        XCTAssertFalse(Workflow.allows(.submitToLeaders, in: f))
        XCTAssertThrowsError(try apply(.conclude, f), "outcome required")
        f = try apply(.conclude, f, .init(outcome: .substantiated))
        XCTAssertEqual(f.state, .concluded)
        XCTAssertEqual(ReporterStatus(state: f.state, outcome: f.outcome), .concludedSubstantiated)
        XCTAssertTrue(Workflow.allows(.proposeReward, in: f))
        XCTAssertThrowsError(try apply(.close, f), "art. 12 sanction first")
        XCTAssertTrue(Workflow.allows(.recordSanction, in: f))
        f.sanctionRecorded = true
        f = try apply(.close, f)
        XCTAssertEqual(f.state, .closed)
        XCTAssertTrue(f.state.isClosed)
        XCTAssertEqual(ReporterStatus(state: f.state, outcome: f.outcome), .concludedSubstantiated)
    }

    func testArt9MessagesRequired() throws {
        let registered = CaseFacts(state: .registered)
        XCTAssertThrowsError(try apply(.markNotActionable, registered)) {
            XCTAssertTrue(($0 as! WorkflowError).message.contains("art. 9"))
        }
        XCTAssertThrowsError(try apply(.markNotActionable, registered, .init(messageToReporter: "  \n ")))
        let closed = try apply(.markNotActionable, registered, .init(messageToReporter: "outside our remit"))
        XCTAssertEqual(ReporterStatus(state: closed.state, outcome: nil), .closed)

        let awaiting = CaseFacts(state: .awaitingApproval)
        XCTAssertThrowsError(try apply(.refuse, awaiting, .init(seat: .chairman)))
        XCTAssertThrowsError(try apply(.refuse, awaiting, .init(messageToReporter: "no", seat: .chairman)), "no internal reason")
        XCTAssertEqual(try apply(.refuse, awaiting, .init(messageToReporter: "no", seat: .chairman, reason: "internal")).state, .refused)

        XCTAssertThrowsError(try apply(.suspend, CaseFacts(state: .investigating)))
        XCTAssertThrowsError(try apply(.propose, registered), "summary required")
    }

    func testEveryTransitionFromEveryWrongStateIsRefused() {
        let from: [Transition: Set<CaseState>] = [
            .register: [.submitted], .markNotActionable: [.registered], .propose: [.registered],
            .approve: [.awaitingApproval], .refuse: [.awaitingApproval], .suspend: [.investigating],
            .resume: [.suspended], .fileReport: [.investigating], .conclude: [.reported], .close: [.concluded],
        ]
        let everything = TransitionInput(messageToReporter: "m", summary: "s", seat: .partySecretary,
                                         outcome: .unsubstantiated, reason: "r")
        for t in Transition.allCases {
            for s in CaseState.allCases {
                let facts = CaseFacts(state: s, designatedInspectors: 1, reportSubmittedToLeaders: true)
                let ok = (try? Workflow.apply(t, to: facts, input: everything)) != nil
                XCTAssertEqual(ok, from[t]!.contains(s), "\(t) from \(s)")
            }
        }
    }

    func testReporterSeesOnlyCoarseStatus() {
        XCTAssertEqual(ReporterStatus(state: .submitted, outcome: nil), .received)
        XCTAssertEqual(ReporterStatus(state: .awaitingApproval, outcome: nil), .underReview)
        XCTAssertEqual(ReporterStatus(state: .suspended, outcome: nil), .investigating)
        XCTAssertEqual(ReporterStatus(state: .reported, outcome: nil), .investigating)
        XCTAssertEqual(ReporterStatus(state: .refused, outcome: nil), .closed)
        XCTAssertEqual(ReporterStatus(state: .concluded, outcome: .unsubstantiated), .concludedUnsubstantiated)
        XCTAssertEqual(Set(ReporterStatus.allCases.map(\.rawValue)),
                       ["received", "registered", "under_review", "investigating",
                        "concluded_substantiated", "concluded_unsubstantiated", "closed"])
    }

    func testRewardsOnlyForSubstantiated() {
        let un = CaseFacts(state: .concluded, outcome: .unsubstantiated)
        for a in [CaseAction.assessReward, .proposeReward, .approveReward, .recordPayment] {
            XCTAssertFalse(Workflow.allows(a, in: un))
            XCTAssertFalse(Workflow.allows(a, in: CaseFacts(state: .investigating)))
        }
        XCTAssertFalse(Workflow.allows(.recordSanction, in: un))
    }
}
