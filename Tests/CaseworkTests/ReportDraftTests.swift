import XCTest
@testable import Casework

final class ReportDraftTests: XCTestCase {
    let categories = Settings.defaultCategories

    func testValidAnonymous() {
        let d = ReportDraft(category: "private_contracting", narrative: "某某以公司名义私揽热力工程。",
                            accused: [AccusedPerson(name: "张三", post: "施工队长"), AccusedPerson(name: "", post: "")])
        XCTAssertEqual(d.validate(categories: categories), [])
        XCTAssertEqual(d.namedAccused.count, 1)
    }

    func testEveryProblemAtOnce() {
        let d = ReportDraft(category: "nope", narrative: "   ", accused: [AccusedPerson(name: "", post: "经理")],
                            estimatedLoss: "五万", mode: .realName, identity: nil)
        let fields = d.validate(categories: categories).map(\.field)
        XCTAssertEqual(fields, ["category", "narrative", "accused_name_0", "loss", "identity_name", "identity_phone"])
    }

    func testLengthsCountCharactersNotBytes() {
        let ok = ReportDraft(category: "other", narrative: String(repeating: "举", count: ReportDraft.Limits.narrative))
        XCTAssertEqual(ok.validate(categories: categories), [])
        let long = ReportDraft(category: "other", narrative: String(repeating: "举", count: ReportDraft.Limits.narrative + 1))
        XCTAssertEqual(long.validate(categories: categories).map(\.field), ["narrative"])
    }

    func testRealNameNeedsAWayToReach() {
        var d = ReportDraft(category: "other", narrative: "x", mode: .realName,
                            identity: .init(name: "李四", phone: "", otherContact: ""))
        XCTAssertEqual(d.validate(categories: categories).map(\.field), ["identity_phone"])
        d.identity?.otherContact = "微信 lisi"
        XCTAssertEqual(d.validate(categories: categories), [])
    }
}
