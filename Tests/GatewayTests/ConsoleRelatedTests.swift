@testable import Casefile
import Casework
@testable import ConsoleSite
import Foundation
@testable import Gateway
import HTTPCore
import XCTest

/// Related reports on the head's case page, and linking one as the same matter (issue 16).
final class ConsoleRelatedTests: XCTestCase {
    var cw: ConsoleWorld!

    override func setUpWithError() throws { cw = try ConsoleWorld() }
    override func tearDown() { cw = nil }

    func report(_ accused: AccusedPerson) throws -> Receipt {
        try cw.submit(ReportDraft(category: "private_contracting", narrative: "RELATED", accused: [accused]))
    }

    func testTheHeadSeesRelatedReportsAndLinksOneAsTheSameMatter() throws {
        let first = try report(AccusedPerson(name: "刘大勇", post: "采购部经理"))
        let second = try report(AccusedPerson(name: "刘 大勇", post: "副总"))
        let unrelated = try report(AccusedPerson(name: "陈某", post: "司机"))
        let head = try cw.signIn("head")
        var page = html(try cw.call(.get, "/console/case/\(first.caseRef)", cookie: head.cookie))
        XCTAssertTrue(page.contains("id=\"related\""))
        XCTAssertTrue(page.contains(second.registerNumber.description))
        XCTAssertTrue(page.contains("姓名相同"))
        XCTAssertFalse(page.contains(unrelated.registerNumber.description))
        let linked = try cw.call(.post, "/console/case/\(first.caseRef)/link", cookie: head.cookie,
                                 form: [("csrf", head.csrf), ("register", second.registerNumber.description)])
        XCTAssertEqual(linked.status.code, 303)
        page = html(try cw.call(.get, "/console/case/\(first.caseRef)", cookie: head.cookie))
        XCTAssertTrue(page.contains("已认定为同一事项"))
        let forged = try cw.call(.post, "/console/case/\(first.caseRef)/link", cookie: head.cookie,
                                 form: [("csrf", "0"), ("register", unrelated.registerNumber.description)])
        XCTAssertEqual(forged.status.code, 403, "a form without the session's token links nothing")
        // A later report is added to the session's index on the next page.
        let later = try report(AccusedPerson(name: "刘大勇", post: ""))
        XCTAssertTrue(html(try cw.call(.get, "/console/case/\(first.caseRef)", cookie: head.cookie)).contains(later.registerNumber.description))
    }
}
