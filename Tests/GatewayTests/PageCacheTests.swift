@testable import Casefile
import Casework
@testable import ConsoleSite
import Foundation
@testable import Gateway
import HTTPCore
@testable import ReporterSite
@testable import SiteKit
import TestSupport
import XCTest

/// The landing page, the empty report form and the two login pages are rendered once per
/// language and per version of what they show (`PageCache`). A kept copy must be exactly what a
/// fresh render gives, and anything that changes the page must render it again.
final class PageCacheTests: XCTestCase {
    var world: World!
    var app: GatewayApp!

    static let pages = ["/", "/report", "/status", "/console/login"]

    override func setUpWithError() throws {
        world = try World()
        try world.standardRoster()
        app = try GatewayApp(ledger: world.ledger, templates: templatesFolder)
    }

    override func tearDown() {
        app = nil
        world = nil
    }

    func get(_ target: String, from app: GatewayApp? = nil) throws -> Response {
        try (app ?? self.app).handler.handle(try Request(method: .get, target: target, headers: ["Host": "127.0.0.1:8080"]))
    }

    /// A render by an app whose cache has never seen the page: what the page is now.
    func fresh(_ target: String) throws -> Response {
        try get(target, from: try GatewayApp(ledger: world.ledger, templates: templatesFolder))
    }

    func assertSame(_ a: Response, _ b: Response, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.status, b.status, what, file: file, line: line)
        XCTAssertEqual(Array(a.headers).map { "\($0.name): \($0.value)" }, Array(b.headers).map { "\($0.name): \($0.value)" },
                       what, file: file, line: line)
        XCTAssertEqual(PageCacheTests.withoutToken(html(a)), PageCacheTests.withoutToken(html(b)), what, file: file, line: line)
    }

    /// The page with its one-time submission token blanked: every copy of the form has its own.
    static func withoutToken(_ page: String) -> String {
        guard let r = page.range(of: "name=\"submission\" value=\"") else { return page }
        return page.replacingCharacters(in: r.upperBound..<page.index(r.upperBound, offsetBy: 32), with: "TOKEN")
    }

    func testEachCopyOfTheFormHasItsOwnSubmissionToken() throws {
        let a = html(try get("/report")), b = html(try get("/report"))
        XCTAssertNotEqual(a, b, "a kept copy still gets a fresh token")
        XCTAssertEqual(PageCacheTests.withoutToken(a), PageCacheTests.withoutToken(b))
        XCTAssertFalse(a.contains(SubmissionDesk.placeholder))
    }

    func testEachPageIsRenderedOncePerLanguageAndTheCopyEqualsAFreshRender() throws {
        var renders = app.pages.cache.renders
        for path in PageCacheTests.pages {
            for lang in ["zh", "en"] {
                let target = "\(path)?lang=\(lang)"
                let first = try get(target)
                XCTAssertEqual(app.pages.cache.renders, renders + 1, "\(target): rendered on first use")
                renders += 1
                let again = try get(target)
                XCTAssertEqual(app.pages.cache.renders, renders, "\(target): the second request is a copy")
                XCTAssertEqual(again.status.code, 200)
                assertSame(again, first, target)
                assertSame(again, try fresh(target), "\(target) against a fresh render")
            }
            XCTAssertNotEqual(html(try get("\(path)?lang=zh")), html(try get("\(path)?lang=en")), "\(path): each language its own copy")
        }
        // No lang, or one we do not have, is Chinese: the same copy.
        XCTAssertEqual(html(try get("/")), html(try get("/?lang=zh")))
        XCTAssertEqual(html(try get("/?lang=xx")), html(try get("/?lang=zh")))
        XCTAssertEqual(app.pages.cache.renders, renders)
    }

    func testASettingsChangeRendersAgain() throws {
        for path in PageCacheTests.pages { _ = try get(path) }
        let before = app.pages.cache.renders
        XCTAssertFalse(html(try get("/")).contains("0871-NEW-PHONE"))
        try world.ledger.changeSettings(json: Array(#"{"organisation": "某新热力公司", "channels": {"phone": "0871-NEW-PHONE"}, "alternates": {"intake": "inspector2", "chairman": "supervisor", "party_secretary": "deputysecretary"}}"#.utf8),
                                        file: nil, actor: "staff:1")
        for path in PageCacheTests.pages {
            let page = try get(path)
            XCTAssertTrue(html(page).contains("某新热力公司"), "\(path) shows the new organisation")
            assertSame(page, try fresh(path), "\(path) after the change")
        }
        XCTAssertTrue(html(try get("/")).contains("0871-NEW-PHONE"))
        XCTAssertEqual(app.pages.cache.renders, before + PageCacheTests.pages.count)

        var categories = world.ledger.settings.categories
        categories.append(Settings.Category(id: "new_category", zh: "新的举报类别", en: "A new category"))
        // The alternates in force go along: settings without them are refused (issue 13).
        let json = try JSONSerialization.data(withJSONObject: [
            "categories": try JSONSerialization.jsonObject(with: try JSONEncoder().encode(categories)),
            "alternates": try JSONSerialization.jsonObject(with: try JSONEncoder().encode(world.ledger.settings.alternates)),
        ])
        try world.ledger.changeSettings(json: Array(json), file: nil, actor: "staff:1")
        XCTAssertTrue(html(try get("/report")).contains("新的举报类别"))
        XCTAssertTrue(html(try get("/report?lang=en")).contains("A new category"))
    }

    func testTheFormFollowsTheHandlersWhoeverChangesThem() throws {
        XCTAssertFalse(html(try get("/report")).contains("新来的调查员"))
        // The admin's pages, in this process.
        try world.account("inspector3", "新来的调查员", .inspector)
        XCTAssertTrue(html(try get("/report")).contains("新来的调查员"))
        try world.ledger.setDisabled(login: "inspector3", true, actor: "test")
        XCTAssertFalse(html(try get("/report")).contains("新来的调查员"))
        assertSame(try get("/report"), try fresh("/report"), "after a disable")

        // `candor user add` beside the running server: another process, its own connections.
        let cli = try Ledger(dataFolder: world.dataFolder, keys: world.keys, settings: world.settings,
                             passwordParameters: World.fastParameters)
        _ = try cli.createAccount(login: "approver3", displayName: "另一进程添加的", employeeID: nil, role: .inspector, seat: nil,
                                  password: World.password, actor: "cli")
        // Issue 13: a reader is offered once a second person has confirmed it.
        for change in try cli.pendingReaderChanges() {
            try cli.confirmReaderChange(change.id, by: try XCTUnwrap(try cli.account(login: "head")).id, settingsFile: nil)
        }
        try cli.close()
        XCTAssertTrue(html(try get("/report")).contains("另一进程添加的"))
        assertSame(try get("/report"), try fresh("/report"), "after another process's change")
    }

    func testACommitThatLeavesTheHandlersAloneKeepsTheForm() throws {
        _ = try get("/report")
        let before = app.pages.cache.renders
        _ = try world.submit(ReportDraft(category: world.settings.categories[0].id, narrative: "一份报告"))
        _ = try get("/report")
        XCTAssertEqual(app.pages.cache.renders, before, "same handlers, same settings: the copy")
    }

    func testAnotherSpellingOfTheAddressGetsThePageOfTheAddress() throws {
        // The language switch links to the page's address: a kept copy must not carry the
        // spelling of whichever request came first.
        let slash = try get("/report/?lang=en")
        XCTAssertTrue(html(slash).contains("formaction=\"/report?lang=zh\""), html(slash))
        assertSame(try get("/report?lang=en"), slash, "/report and /report/")
        assertSame(try get("//report?lang=en"), try fresh("/report?lang=en"), "//report")
    }

    func testTheStatusPageOfASessionIsNeverTheCachedLogin() throws {
        _ = try get("/status")
        let receipt = try world.submit(ReportDraft(category: world.settings.categories[0].id, narrative: "状态页"))
        let code = try XCTUnwrap(receipt.code)
        let body = Array("code=\(code.digits)".utf8)
        let open = try app.handler.handle(try Request(method: .post, target: "/status", headers: [
            "Host": "127.0.0.1:8080", "Content-Type": "application/x-www-form-urlencoded"], body: body))
        XCTAssertEqual(open.status.code, 303)
        let cookie = try XCTUnwrap(open.headers["Set-Cookie"]?.split(separator: ";").first.map(String.init))
        let page = try app.handler.handle(try Request(method: .get, target: "/status", headers: ["Host": "127.0.0.1:8080", "Cookie": cookie]))
        XCTAssertTrue(html(page).contains("case-status"), "the session's own page")
        XCTAssertNotEqual(html(page), html(try get("/status")))
    }
}
