@testable import Casefile
import Casework
@testable import ConsoleSite
import Foundation
@testable import Gateway
import HTTPCore
import XCTest

/// The inbox a page at a time, filtered and sorted by the URL alone (issue 16).
final class ConsoleInboxTests: XCTestCase {
    var cw: ConsoleWorld!

    override func setUpWithError() throws { cw = try ConsoleWorld() }
    override func tearDown() { cw = nil }

    func newCase(_ n: Int, realName: Bool = false) throws -> Receipt {
        var draft = ReportDraft(category: "private_contracting", narrative: "INBOX-\(n)", accused: [AccusedPerson(name: "外部人员\(n)", post: "包工头")])
        if realName { draft.mode = .realName; draft.identity = .init(name: "实名\(n)", phone: "13900000000", otherContact: "") }
        return try cw.submit(draft)
    }

    func refs(_ page: String) -> [String] {
        page.components(separatedBy: "href=\"/console/case/").dropFirst().map { String($0.prefix(32)) }
    }

    /// What the page's links say, as a browser would follow them.
    func link(_ rel: String, in page: String) -> String? {
        guard let r = page.range(of: "rel=\"\(rel)\" href=\"") else { return nil }
        return String(page[r.upperBound...].prefix { $0 != "\"" }).replacingOccurrences(of: "&amp;", with: "&")
    }

    func testPagesOfFiftyWithNextAndPreviousLinksAndTheCountOfEachSection() throws {
        for n in 0..<55 { _ = try newCase(n) }
        let head = try cw.signIn("head")
        let first = html(try cw.call(.get, "/console", cookie: head.cookie))
        XCTAssertEqual(refs(first).count, InboxQuery.pageSize)
        XCTAssertTrue(first.contains("id=\"tab-new\""))
        XCTAssertTrue(first.contains("待登记）</a>") || first.contains("(55)"), "each section with its count")
        XCTAssertNil(link("prev", in: first))
        let next = try XCTUnwrap(link("next", in: first))
        XCTAssertTrue(next.contains("page=2"))
        let second = html(try cw.call(.get, next, cookie: head.cookie))
        XCTAssertEqual(refs(second).count, 5)
        XCTAssertTrue(Set(refs(second)).isDisjoint(with: refs(first)))
        XCTAssertNotNil(link("prev", in: second))
        XCTAssertNil(link("next", in: second))
    }

    func testFiltersAndOrderAreInTheAddressAndNeedNoScript() throws {
        let named = try newCase(1, realName: true)
        let plain = try newCase(2)
        let head = try cw.signIn("head")
        let filtered = html(try cw.call(.get, "/console?section=all&real_name=yes", cookie: head.cookie))
        XCTAssertEqual(refs(filtered), [named.caseRef])
        XCTAssertTrue(filtered.contains("<option value=\"yes\" selected>"), "the form shows the filter in force")
        XCTAssertEqual(refs(html(try cw.call(.get, "/console?real_name=no", cookie: head.cookie))), [plain.caseRef])
        XCTAssertEqual(refs(html(try cw.call(.get, "/console?legal_hold=yes", cookie: head.cookie))), [])
        XCTAssertEqual(Set(refs(html(try cw.call(.get, "/console?sort=due&deadline=on_time&year=\(named.registerNumber.year)", cookie: head.cookie)))),
                       [named.caseRef, plain.caseRef])
        XCTAssertEqual(try cw.call(.get, "/console?state=nonsense&page=-4&category=%3Cscript%3E", cookie: head.cookie).status.code, 200,
                       "an unknown value is ignored")
        XCTAssertFalse(filtered.contains("<script"), "no script on the page")
    }

    func testARegisterNumberJumpsToTheCaseOnlyWhenHeld() throws {
        let receipt = try newCase(1)
        let head = try cw.signIn("head")
        let number = receipt.registerNumber.description
        let jump = try cw.call(.get, "/console?register=\(number)", cookie: head.cookie)
        XCTAssertEqual(jump.status.code, 303)
        XCTAssertEqual(jump.headers["Location"], "/console/case/\(receipt.caseRef)?lang=zh")
        let inspector = try cw.signIn("inspector1")
        let refused = try cw.call(.get, "/console?register=\(number)", cookie: inspector.cookie)
        XCTAssertEqual(refused.status.code, 200, "a case not held is not found, the same as one that does not exist")
        XCTAssertTrue(html(refused).contains("没有登记号为"))
    }

    /// The deadlines page reads the stored due days: an old overdue case among newer ones shows.
    func testTheDeadlinesPageShowsAnOverdueCaseBehindNewerOnes() throws {
        let old = try newCase(0)
        cw.clock.advance(30 * 86_400)
        for n in 1...3 { _ = try newCase(n) }
        let page = html(try cw.call(.get, "/console/deadlines", cookie: try cw.signIn("head").cookie))
        XCTAssertTrue(page.contains(old.caseRef))
    }

    /// Switching the language keeps the view: its filters, order and page (they were dropped).
    func testTheLanguageSwitchKeepsTheFiltersOrderAndPage() throws {
        _ = try newCase(1, realName: true)
        let head = try cw.signIn("head")
        let page = html(try cw.call(.get, "/console?section=all&real_name=yes&sort=due&lang=zh", cookie: head.cookie))
        guard let r = page.range(of: "hreflang=\"en\"") else { return XCTFail("no language switch") }
        let before = page[..<r.lowerBound]
        let href = String(before[before.range(of: "href=\"", options: .backwards)!.upperBound...].prefix { $0 != "\"" })
            .replacingOccurrences(of: "&amp;", with: "&")
        XCTAssertEqual(href, "/console?lang=en&section=all&real_name=yes&sort=due")
        let english = html(try cw.call(.get, href, cookie: head.cookie))
        XCTAssertTrue(english.contains("<option value=\"yes\" selected>"), "the filter is still in force")
    }

    /// The deadlines page is paged like the inbox: the hundred earliest first, then a next link.
    func testTheDeadlinesPageIsPaged() throws {
        for n in 0..<(Ledger.duePageSize + 2) { _ = try newCase(n) }
        let head = try cw.signIn("head")
        let first = html(try cw.call(.get, "/console/deadlines", cookie: head.cookie))
        XCTAssertEqual(refs(first).count, Ledger.duePageSize)
        let next = try XCTUnwrap(link("next", in: first))
        let second = html(try cw.call(.get, next, cookie: head.cookie))
        XCTAssertEqual(refs(second).count, 2)
        XCTAssertTrue(Set(refs(second)).isDisjoint(with: refs(first)))
    }
}

