import XCTest
@testable import Casework

final class AlternatesTests: XCTestCase {
    let roster = SeparationTests.sampleRoster
    let logins: [Int64: String] = [1: "wang", 2: "li", 3: "zhang", 4: "zhao", 5: "qian", 6: "sun", 7: "zhou", 8: "admin", 9: "audit", 10: "he"]
    var fullRoster: [RosterEntry] {
        roster + [RosterEntry(accountID: 8, name: "管理员", employeeID: nil, role: .admin),
                  RosterEntry(accountID: 9, name: "审计", employeeID: nil, role: .auditor),
                  RosterEntry(accountID: 10, name: "何平", employeeID: nil, role: .approver)]
    }
    func loginOf(_ id: Int64) -> String? { logins[id] }

    func testSeatPassesToAlternate() throws {
        let alternates = Alternates(intake: "zhou", chairman: "sun", partySecretary: nil)
        XCTAssertEqual(try SeatAssignment.holder(of: .chairman, roster: roster, excluded: [], alternates: alternates, loginOf: { self.logins[$0] }), 4)
        XCTAssertEqual(try SeatAssignment.holder(of: .chairman, roster: roster, excluded: [4], alternates: alternates, loginOf: { self.logins[$0] }), 6)
        XCTAssertThrowsError(try SeatAssignment.holder(of: .chairman, roster: roster, excluded: [4, 6], alternates: alternates, loginOf: { self.logins[$0] }))
        XCTAssertThrowsError(try SeatAssignment.holder(of: .partySecretary, roster: roster, excluded: [5], alternates: alternates, loginOf: { self.logins[$0] }))
    }

    func testIntakePassesToAlternateWhenHeadExcluded() throws {
        let alternates = Alternates(intake: "zhou")
        XCTAssertEqual(try SeatAssignment.intake(roster: roster, excluded: [], alternates: alternates, loginOf: { self.logins[$0] }), [1])
        XCTAssertEqual(try SeatAssignment.intake(roster: roster, excluded: [1], alternates: alternates, loginOf: { self.logins[$0] }), [7])
        XCTAssertThrowsError(try SeatAssignment.intake(roster: roster, excluded: [1, 7], alternates: alternates, loginOf: { self.logins[$0] }))
    }

    // MARK: issue 13: nothing checked an alternate's role; one account could hold both seats

    func testAdminOrAuditorNeverStandsIn() throws {
        for login in ["admin", "audit"] {
            let alternates = Alternates(intake: login, chairman: login, partySecretary: login)
            XCTAssertThrowsError(try SeatAssignment.intake(roster: fullRoster, excluded: [1], alternates: alternates, loginOf: loginOf))
            XCTAssertThrowsError(try SeatAssignment.holder(of: .chairman, roster: fullRoster, excluded: [4], alternates: alternates, loginOf: loginOf))
            let kinds = alternates.problems(roster: fullRoster, loginOf: loginOf).map(\.kind)
            XCTAssertEqual(kinds.filter { $0 == .wrongRole }.count, 3, login)
        }
    }

    func testASeatNeverPassesToAnInspector() {
        let alternates = Alternates(intake: "zhou", chairman: "zhou", partySecretary: "sun")
        XCTAssertThrowsError(try SeatAssignment.holder(of: .chairman, roster: fullRoster, excluded: [4], alternates: alternates, loginOf: loginOf))
    }

    func testOneAccountNeverHoldsBothSeats() throws {
        // The party secretary is also the chairman's alternate: when the chairman is excluded
        // the seat must not go to the account already in the other seat.
        let alternates = Alternates(intake: "zhou", chairman: "qian", partySecretary: "sun")
        XCTAssertThrowsError(try SeatAssignment.holder(of: .chairman, roster: fullRoster, excluded: [4], alternates: alternates,
                                                       loginOf: loginOf, otherSeat: 5))
        XCTAssertTrue(alternates.problems(roster: fullRoster, loginOf: loginOf).contains { $0.alternate == "chairman" && $0.kind == .holdsASeat })
        let same = Alternates(intake: "zhou", chairman: "sun", partySecretary: "sun")
        XCTAssertTrue(same.problems(roster: fullRoster, loginOf: loginOf).contains { $0.kind == .sameAsOtherSeat })
    }

    func testSoundAlternatesHaveNoProblems() {
        let alternates = Alternates(intake: "zhou", chairman: "sun", partySecretary: "he")
        XCTAssertEqual(alternates.problems(roster: fullRoster, loginOf: loginOf), [])
    }

    func testMissingAndUnknownAlternatesAreProblems() {
        let kinds = Alternates(intake: nil, chairman: "", partySecretary: "nobody").problems(roster: fullRoster, loginOf: loginOf)
        XCTAssertEqual(kinds.map(\.kind), [.missing, .missing, .unknownAccount])
        XCTAssertTrue(kinds[0].description.contains("alternates.intake"))
    }

    // MARK: issue 13: a report nobody can read

    func testIntakeFallsToTheLeadersWhenHeadAndAlternateAreExcluded() {
        let alternates = Alternates(intake: "zhou", chairman: "sun", partySecretary: "he")
        let usual = SeatAssignment.intakePlan(roster: fullRoster, excluded: [], alternates: alternates, loginOf: loginOf)
        XCTAssertEqual(usual, IntakePlan(accounts: [1], route: .heads))
        let alt = SeatAssignment.intakePlan(roster: fullRoster, excluded: [1], alternates: alternates, loginOf: loginOf)
        XCTAssertEqual(alt, IntakePlan(accounts: [7], route: .alternate))
        let leaders = SeatAssignment.intakePlan(roster: fullRoster, excluded: [1, 7], alternates: alternates, loginOf: loginOf)
        XCTAssertEqual(leaders, IntakePlan(accounts: [4, 5], route: .leaders))
        // The chairman excluded as well: his seat's alternate receives it in his place.
        let withoutChairman = SeatAssignment.intakePlan(roster: fullRoster, excluded: [1, 7, 4], alternates: alternates, loginOf: loginOf)
        XCTAssertEqual(withoutChairman, IntakePlan(accounts: [6, 5], route: .leaders))
        XCTAssertThrowsError(try SeatAssignment.intake(roster: fullRoster, excluded: [1, 7], alternates: alternates, loginOf: loginOf),
                             "the old entry point still says intake itself is unfilled")
    }

    func testNoReaderLeftAtAll() {
        let alternates = Alternates(intake: "zhou", chairman: "sun", partySecretary: "he")
        XCTAssertNil(SeatAssignment.intakePlan(roster: fullRoster, excluded: [1, 7, 4, 5, 6, 10], alternates: alternates, loginOf: loginOf))
    }
}
