@testable import Casefile
import Casework
import Foundation
@testable import Gateway
import HTTPCore
@testable import ReporterSite
@testable import SiteKit
import TestSupport
import XCTest

/// Issue 15, points 1–5 of the reporter's side: the receipt is a page of its own (a refresh or a
/// double click makes no second case, the code is shown once), the code is laid out for copying
/// by hand, and the form's errors are said for a person, each once, with sizes in KB/MB.
final class ReporterSubmitTests: AppTestCase {
    func send(_ method: HTTPMethod, _ target: String, headers: HTTPHeaders = [:], body: [UInt8] = []) throws -> Response {
        var h = headers
        h.add("Host", "127.0.0.1:8080")
        return try app.handler.handle(try Request(method: method, target: target, headers: h, body: body))
    }

    func post(_ form: MultipartBody, lang: String = "zh") throws -> Response {
        try send(.post, "/report?lang=\(lang)", headers: ["Content-Type": form.contentType], body: form.finished())
    }

    func report(_ narrative: String = "某科长收受红包") -> MultipartBody {
        var form = MultipartBody()
        form.field("category", "bribery")
        form.field("narrative", narrative)
        form.field("mode", "anonymous")
        return form
    }

    func receipt(_ posted: Response, lang: String = "zh") throws -> Response {
        let id = try XCTUnwrap(cookieValue(posted.headers["Set-Cookie"], SubmissionDesk.cookieName))
        return try send(.get, try XCTUnwrap(posted.headers["Location"]), headers: ["Cookie": "\(SubmissionDesk.cookieName)=\(id)"])
    }

    var cases: Int { (try? world.ledger.pool.read { db in try db.scalar("SELECT count(*) FROM cases", as: Int.self) }) ?? -1 }

    func testTheReceiptIsAPageOfItsOwnAndARefreshNeitherSendsAgainNorShowsTheCode() throws {
        let posted = try post(report(), lang: "en")
        XCTAssertEqual(posted.status.code, 303, "post-redirect-get")
        XCTAssertEqual(posted.headers["Location"], "/report/receipt?lang=en")
        let cookie = try XCTUnwrap(posted.headers["Set-Cookie"])
        XCTAssertTrue(cookie.contains("Path=/report/receipt") && cookie.contains("HttpOnly") && !cookie.contains("Max-Age"), cookie)
        let first = html(try receipt(posted))
        let code = try XCTUnwrap(trackingCode(in: first))
        XCTAssertNoThrow(try TrackingCode(parsing: code))
        XCTAssertEqual(app.submissions.codesHeld, 0, "the code left memory as it was shown")
        // The refresh: a GET of the same page, the same cookie.
        let again = html(try receipt(posted))
        XCTAssertNil(trackingCode(in: again), "shown once")
        XCTAssertFalse(again.contains(code.replacingOccurrences(of: " ", with: "").prefix(8)))
        XCTAssertTrue(again.contains("If you lost the code before writing it down"))
        XCTAssertTrue(again.contains("send another report"))
        XCTAssertTrue(again.contains(Settings.default.channels.phone))
        XCTAssertEqual(cases, 1)
        XCTAssertNil(try world.allStoredBytes().firstRange(of: Array(code.filter(\.isNumber).utf8)), "the code is nowhere on disk")
    }

    func testTheSameFormSentTwiceMakesOneCaseAndBothGoToTheOneReceipt() throws {
        let form = report("双击提交")
        let a = try post(form), b = try post(form)
        XCTAssertEqual(a.status.code, 303)
        XCTAssertEqual(b.status.code, 303)
        XCTAssertEqual(cases, 1, "a double click or a resend makes no second case")
        XCTAssertEqual(cookieValue(a.headers["Set-Cookie"], SubmissionDesk.cookieName), cookieValue(b.headers["Set-Cookie"], SubmissionDesk.cookieName))
        // The browser shows the second answer: the code is still there for it.
        XCTAssertNotNil(trackingCode(in: html(try receipt(b))))
        var other = report("另一份举报")
        other.field("when", "去年")
        XCTAssertEqual(try post(other).status.code, 303)
        XCTAssertEqual(cases, 2, "a new form is a new report")
    }

    func testAFormWithoutItsTokenIsNotSentAndComesBackFilledIn() throws {
        var form = report("没有令牌的表单")
        form.submission = nil
        let r = try post(form)
        XCTAssertEqual(r.status.code, 422)
        XCTAssertEqual(cases, 0)
        let page = html(r)
        XCTAssertTrue(page.contains("没有令牌的表单"))
        XCTAssertTrue(page.contains("页面已过期"))
        XCTAssertNotNil(page.range(of: #"name="submission" value="[0-9a-f]{32}""#, options: .regularExpression), "a fresh token to send it with")
    }

    func testTheCodeIsLaidOutInGroupsWithAdviceOnWhereToKeepIt() throws {
        let page = html(try receipt(try post(report())))
        XCTAssertEqual(page.components(separatedBy: "<span class=\"group\">").count - 1, 6, "five groups of four and the check digit")
        XCTAssertFalse(page.contains("记住"), "no one is asked to memorise 21 digits")
        XCTAssertTrue(page.contains("用笔抄在纸上"))
        XCTAssertTrue(page.contains("密码管理"))
        XCTAssertTrue(page.contains("云相册"))
        XCTAssertTrue(page.contains("公司的电脑"))
    }

    func testAFileOverTheLimitIsNamedInThePagesLanguageAndTheFormIsKept() throws {
        var options = GatewayApp.Options()
        options.uploads.maxFileBytes = 32 * 1024
        app = try GatewayApp(ledger: world.ledger, templates: templatesFolder, options: options)
        var form = report("保留我写的内容")
        form.file("files", filename: "录像.mp4", type: "video/mp4", [UInt8](repeating: 7, count: 45_000))
        form.file("files", filename: "ok.pdf", type: "application/pdf", Array("%PDF-1.4 ok".utf8))
        let r = try post(form)
        XCTAssertEqual(r.status.code, 422)
        let page = html(r)
        XCTAssertTrue(page.contains("保留我写的内容"), "what was typed is kept")
        XCTAssertTrue(page.contains("文件“录像.mp4”有 44 KB，超过每个文件 32 KB 的上限"), page)
        XCTAssertFalse(page.contains("bytes"), "no developer text")
        XCTAssertFalse(page.contains("45000"))
        XCTAssertTrue(page.contains("最多 20 个文件，每个不超过 32 KB"), "the limits are said before upload")
        XCTAssertEqual(cases, 0)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: world.ledger.files.folder.path), [], "nothing kept")
    }

    func testARequestOverTheTotalLimitGetsAPageInItsLanguage() throws {
        var options = GatewayApp.Options()
        options.uploads.maxRequestBytes = 64 * 1024
        app = try GatewayApp(ledger: world.ledger, templates: templatesFolder, options: options)
        var form = report()
        form.file("files", filename: "a.bin", type: "application/octet-stream", [UInt8](repeating: 1, count: 70_000))
        let page = html(try post(form))
        XCTAssertTrue(page.contains("所选文件合计超过上传上限"), page)
        XCTAssertFalse(page.contains("bytes"))
    }

    func testTheErrorBoxSaysEachErrorOnce() throws {
        var form = MultipartBody()
        form.field("category", "")
        form.field("narrative", "")
        let page = html(try post(form))
        XCTAssertEqual(page.components(separatedBy: "class=\"error-summary\"").count - 1, 1, "one box, not one per error")
        XCTAssertEqual(page.components(separatedBy: "请选择举报事项类别").count - 1, 2, "once in the box, once by the field")
    }

    func testTheLanguageSwitchOfTheFormKeepsWhatWasTyped() throws {
        let form = html(try send(.get, "/report?lang=zh"))
        XCTAssertTrue(form.contains("formaction=\"/report?lang=en\""), "the switch is a button of the form")
        var typed = report("切换语言前写的内容")
        typed.field("switch_language", "1")
        let r = try post(typed, lang: "en")
        XCTAssertEqual(r.status.code, 200)
        XCTAssertTrue(html(r).contains("切换语言前写的内容"))
        XCTAssertTrue(html(r).contains("lang=\"en\""))
        XCTAssertEqual(cases, 0, "switching the language sends nothing")
    }

    func testIdentityFieldsFollowTheRadiosSoCSSCanHideThem() throws {
        let page = html(try send(.get, "/report?lang=en"))
        let anon = try XCTUnwrap(page.range(of: "id=\"mode_anonymous\""))
        let real = try XCTUnwrap(page.range(of: "id=\"mode_real_name\""))
        let fields = try XCTUnwrap(page.range(of: "<div class=\"identity\">"))
        XCTAssertTrue(anon.lowerBound < fields.lowerBound && real.lowerBound < fields.lowerBound, "siblings after the radios")
        XCTAssertTrue(page.contains("only the head of the department can see them"), "who sees a real name is said")
        let css = try String(contentsOf: templatesFolder.appendingPathComponent("static/candor.css"), encoding: .utf8)
        XCTAssertTrue(css.contains("#mode_real_name:checked ~ .identity { display: block; }"))
        XCTAssertTrue(css.contains(".mode-choice .identity, .mode-choice .anonymous-note { display: none; }"))
    }

    func testAnonymityAdviceFitsMainlandChina() throws {
        for path in ["/", "/report"] {
            let zh = html(try send(.get, path))
            for words in ["移动数据", "公司WiFi", "微信", "钉钉", "无痕", "云相册"] { XCTAssertTrue(zh.contains(words), "\(path): \(words)") }
            let en = html(try send(.get, path + "?lang=en"))
            for words in ["mobile data", "private (incognito) window", "cloud album", "DingTalk"] { XCTAssertTrue(en.contains(words), "\(path): \(words)") }
            XCTAssertFalse(zh.contains("如需更强保护，请使用 Tor"), "Tor is not the first advice")
        }
        XCTAssertTrue(html(try send(.get, "/report")).contains("拍摄地点和手机型号"), "phone videos' location data")
    }
}
