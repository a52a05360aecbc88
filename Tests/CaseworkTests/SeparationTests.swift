import XCTest
@testable import Casework

final class SeparationTests: XCTestCase {
    let roster = [
        RosterEntry(accountID: 1, name: "王建国", employeeID: "E-1001", role: .head),
        RosterEntry(accountID: 2, name: "李 娜", employeeID: "E-1002", role: .inspector),
        RosterEntry(accountID: 3, name: "Zhang·San", employeeID: "e1003", role: .inspector),
        RosterEntry(accountID: 4, name: "赵敏", employeeID: nil, role: .approver, seat: .chairman),
        RosterEntry(accountID: 5, name: "钱伟", employeeID: "E-1005", role: .approver, seat: .partySecretary),
        RosterEntry(accountID: 6, name: "孙立", employeeID: "E-1006", role: .approver),
        RosterEntry(accountID: 7, name: "周琳", employeeID: "E-1007", role: .inspector),
    ]
    let logins: [Int64: String] = [1: "wang", 2: "li", 3: "zhang", 4: "zhao", 5: "qian", 6: "sun", 7: "zhou"]

    func testNormalisation() {
        XCTAssertEqual(NameMatching.normalise("李 娜"), NameMatching.normalise("李娜"))
        XCTAssertEqual(NameMatching.normalise("Ｚｈａｎｇ　Ｓａｎ"), "zhangsan")
        XCTAssertEqual(NameMatching.normalise("zhang-san"), NameMatching.normalise("Zhang·San"))
        XCTAssertEqual(NameMatching.normaliseEmployeeID(" e-1003 "), "E1003")
    }

    func testMatchesByNameOrEmployeeIDAndPicks() {
        let accused = [AccusedPerson(name: "李娜", post: "收费员"), AccusedPerson(name: "某人", post: "经理", employeeID: "E1003")]
        let excl = Separation.exclusions(accused: accused, pickedAccountIDs: [7], roster: roster)
        XCTAssertEqual(Set(excl.map(\.accountID)), [2, 3, 7])
        XCTAssertEqual(excl.first { $0.accountID == 7 }?.reason, .pickedByReporter)
        XCTAssertEqual(excl.first { $0.accountID == 2 }?.reason, .namedAsAccused)
    }

    func testNoFalseMatchOnEmptyNames() {
        let excl = Separation.exclusions(accused: [AccusedPerson(name: "  ", post: "")], pickedAccountIDs: [], roster: roster)
        XCTAssertTrue(excl.isEmpty)
    }

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
}
