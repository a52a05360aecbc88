import XCTest
@testable import Casework

final class NameMatchingTests: XCTestCase {
    func testFoldsWidthSpacesAndSeparators() {
        XCTAssertEqual(NameMatching.normalise("李 娜"), NameMatching.normalise("李娜"))
        XCTAssertEqual(NameMatching.normalise("Ｚｈａｎｇ　Ｓａｎ"), "zhangsan")
        XCTAssertEqual(NameMatching.normalise("zhang-san"), NameMatching.normalise("Zhang·San"))
        XCTAssertEqual(NameMatching.normaliseEmployeeID(" e-1003 "), "E1003")
    }

    func testReadsSurnameAndTitle() {
        XCTAssertEqual(NameMatching.read("王部长"), .init(fullName: nil, surnameOnly: "王", title: "部长"))
        XCTAssertEqual(NameMatching.read("王 副部长"), .init(fullName: nil, surnameOnly: "王", title: "副部长"))
        XCTAssertEqual(NameMatching.read("欧阳经理"), .init(fullName: nil, surnameOnly: "欧阳", title: "经理"))
        XCTAssertEqual(NameMatching.read("王总"), .init(fullName: nil, surnameOnly: "王", title: "总"))
        // "总经理", not "经理": the longest title wins.
        XCTAssertEqual(NameMatching.read("赵总经理").title, "总经理")
    }

    func testReadsPlaceholdersAndFamiliarForms() {
        XCTAssertEqual(NameMatching.read("王某").surnameOnly, "王")
        XCTAssertEqual(NameMatching.read("王某某").surnameOnly, "王")
        XCTAssertEqual(NameMatching.read("王XX").surnameOnly, "王")
        XCTAssertEqual(NameMatching.read("老王").surnameOnly, "王")
        XCTAssertEqual(NameMatching.read("小李").surnameOnly, "李")
        XCTAssertEqual(NameMatching.read("欧阳某").surnameOnly, "欧阳")
    }

    func testAWholeNameWithATitleReadsAsTheName() {
        XCTAssertEqual(NameMatching.read("王建国经理"), .init(fullName: "王建国", surnameOnly: nil, title: "经理"))
        XCTAssertEqual(NameMatching.read("李娜"), .init(fullName: "李娜", surnameOnly: nil, title: nil))
        XCTAssertEqual(NameMatching.read("Max").fullName, "max", "a Latin name loses nothing to the placeholder rule")
        XCTAssertEqual(NameMatching.read(""), .init(fullName: nil, surnameOnly: nil, title: nil))
    }

    func testSurnameOfARosterName() {
        XCTAssertEqual(NameMatching.surname(of: "王建国"), "王")
        XCTAssertEqual(NameMatching.surname(of: "欧阳 修文"), "欧阳")
        XCTAssertEqual(NameMatching.surname(of: "欧阳"), "欧", "a two-character name is surname plus given name")
        XCTAssertNil(NameMatching.surname(of: "Zhang San"))
        XCTAssertNil(NameMatching.surname(of: "王"))
    }
}
