import XCTest
@testable import Casework

final class SeparationTests: XCTestCase {
    static let sampleRoster = [
        RosterEntry(accountID: 1, name: "王建国", employeeID: "E-1001", role: .head),
        RosterEntry(accountID: 2, name: "李 娜", employeeID: "E-1002", role: .inspector),
        RosterEntry(accountID: 3, name: "Zhang·San", employeeID: "e1003", role: .inspector),
        RosterEntry(accountID: 4, name: "赵敏", employeeID: nil, role: .approver, seat: .chairman),
        RosterEntry(accountID: 5, name: "钱伟", employeeID: "E-1005", role: .approver, seat: .partySecretary),
        RosterEntry(accountID: 6, name: "孙立", employeeID: "E-1006", role: .approver),
        RosterEntry(accountID: 7, name: "周琳", employeeID: "E-1007", role: .inspector),
    ]
    var roster: [RosterEntry] { Self.sampleRoster }

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

    // MARK: issue 13: "王部长" never matched 王建国; the post was ignored

    func testSurnameAndTitleMatchesTheHeadByRole() {
        // 王建国 is the head; no post on record, but the head role is called 部长.
        let excl = Separation.exclusions(accused: [AccusedPerson(name: "王部长", post: "")], pickedAccountIDs: [], roster: roster)
        XCTAssertEqual(excl.map(\.accountID), [1])
        XCTAssertEqual(excl.first?.basis, .surnameAndTitle)
    }

    func testSurnameAndTitleAgainstTheAccountsPost() {
        var r = roster
        r.append(RosterEntry(accountID: 8, name: "李强", employeeID: nil, role: .inspector, post: "财务部经理"))
        r.append(RosterEntry(accountID: 9, name: "李明", employeeID: nil, role: .inspector, post: "审计部主任"))
        let excl = Separation.exclusions(accused: [AccusedPerson(name: "李经理", post: "")], pickedAccountIDs: [], roster: r)
        // 李强 fits by post; 李明's post says 主任, not 经理; 李 娜 has no post: ambiguous, kept out.
        XCTAssertEqual(Dictionary(uniqueKeysWithValues: excl.map { ($0.accountID, $0.basis) }),
                       [8: .surnameAndTitle, 2: .ambiguous])
    }

    func testPostNamesTheSeatWhateverTheName() {
        let excl = Separation.exclusions(accused: [AccusedPerson(name: "某人", post: "董事长")], pickedAccountIDs: [], roster: roster)
        XCTAssertEqual(excl.map(\.accountID), [4])
        XCTAssertEqual(excl.first?.basis, .post)
        let ps = Separation.exclusions(accused: [AccusedPerson(name: "", post: "党委书记")], pickedAccountIDs: [], roster: roster)
        XCTAssertEqual(ps.map(\.accountID), [5])
        let head = Separation.exclusions(accused: [AccusedPerson(name: "", post: "纪检监察部负责人")], pickedAccountIDs: [], roster: roster)
        XCTAssertEqual(head.map(\.accountID), [1])
        // A title inside the name fits the seat holder with that surname, and no one else.
        let inName = Separation.exclusions(accused: [AccusedPerson(name: "钱书记", post: "")], pickedAccountIDs: [], roster: roster)
        XCTAssertEqual(inName.map(\.accountID), [5])
        XCTAssertEqual(inName.first?.basis, .surnameAndTitle)
        XCTAssertEqual(Separation.exclusions(accused: [AccusedPerson(name: "赵董", post: "")], pickedAccountIDs: [], roster: roster).map(\.accountID), [4])
    }

    func testBareSecretaryExcludesBothWithAmbiguousBasis() {
        let excl = Separation.exclusions(accused: [AccusedPerson(name: "", post: "书记")], pickedAccountIDs: [], roster: roster)
        XCTAssertEqual(Set(excl.map(\.accountID)), [1, 5])
        XCTAssertTrue(excl.allSatisfy { $0.basis == .ambiguous })
    }

    func testSurnameAloneIsAmbiguousAndExcludes() {
        let excl = Separation.exclusions(accused: [AccusedPerson(name: "老王", post: "")], pickedAccountIDs: [], roster: roster)
        XCTAssertEqual(excl.map(\.accountID), [1])
        XCTAssertEqual(excl.first?.basis, .ambiguous)
    }

    func testSamePostAsTheAccount() {
        var r = roster
        r.append(RosterEntry(accountID: 8, name: "李强", employeeID: nil, role: .inspector, post: "财务部 经理"))
        let excl = Separation.exclusions(accused: [AccusedPerson(name: "张某", post: "财务部经理")], pickedAccountIDs: [], roster: r)
        XCTAssertEqual(excl.map(\.accountID), [8])
        XCTAssertEqual(excl.first?.basis, .post)
    }

    func testNoFalseMatchesOnOtherPeople() {
        let accused = [AccusedPerson(name: "王建军", post: "采购员"), AccusedPerson(name: "刘经理", post: "销售部经理"),
                       AccusedPerson(name: "陈某", post: "副董事长")]
        XCTAssertTrue(Separation.exclusions(accused: accused, pickedAccountIDs: [], roster: roster).isEmpty)
    }

    func testTheFirmestBasisIsReported() {
        let accused = [AccusedPerson(name: "老王", post: ""), AccusedPerson(name: "x", post: "", employeeID: "e 1001")]
        XCTAssertEqual(Separation.exclusions(accused: accused, pickedAccountIDs: [], roster: roster).first?.basis, .employeeID)
    }
}
