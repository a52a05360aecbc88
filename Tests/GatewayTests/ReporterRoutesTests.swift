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

/// Route tests call the router directly; the loopback flow is in GatewayAppTests.
final class ReporterRoutesTests: AppTestCase {
    func call(_ method: HTTPMethod, _ target: String, headers: HTTPHeaders = [:], body: [UInt8] = []) throws -> Response {
        var h = headers
        if h["Host"] == nil { h.add("Host", "127.0.0.1:8080") }
        return try app.handler.handle(try Request(method: method, target: target, headers: h, body: body))
    }

    func submit(_ fields: [(String, String)], lang: String = "zh") throws -> Response {
        var form = MultipartBody()
        for (n, v) in fields { form.field(n, v) }
        return try followReceipt(try call(.post, "/report?lang=\(lang)", headers: ["Content-Type": form.contentType], body: form.finished())) {
            try app.handler.handle($0)
        }
    }

    func testLandingShowsChannelsInBothLanguages() throws {
        let zh = html(try call(.get, "/"))
        XCTAssertTrue(zh.contains("举报途径"))
        XCTAssertTrue(zh.contains(Settings.default.channels.phone))
        XCTAssertTrue(zh.contains("href=\"/?lang=en\""))
        let en = html(try call(.get, "/?lang=en"))
        XCTAssertTrue(en.contains("Reporting channels"))
        XCTAssertFalse(en.contains("<script"))
    }

    func testFormListsHandlersAndCategories() throws {
        let page = html(try call(.get, "/report"))
        XCTAssertTrue(page.contains("借用公司身份私自承揽热力工程施工"))
        XCTAssertTrue(page.contains("王建国"))
        XCTAssertFalse(page.contains("系统管理员"), "admins hold no cases and are not listed")
    }

    func testInvalidFormComesBackFilledInAndEscaped() throws {
        let r = try submit([("category", ""), ("narrative", "<script>alert(1)</script>保留的内容"), ("when", "去年\"冬天"),
                            ("accused_name_0", "张三"), ("accused_post_0", "队长"), ("loss", "五万"), ("mode", "real_name"),
                            ("identity_name", ""), ("identity_phone", "")])
        XCTAssertEqual(r.status.code, 422)
        let page = html(r)
        XCTAssertTrue(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;保留的内容"))
        XCTAssertFalse(page.contains("<script>alert(1)"))
        XCTAssertTrue(page.contains("value=\"去年&quot;冬天\""))
        XCTAssertTrue(page.contains("value=\"张三\""))
        XCTAssertTrue(page.contains("value=\"五万\""))
        XCTAssertTrue(page.contains("请选择举报事项类别"))
        XCTAssertTrue(page.contains("实名举报请填写姓名"))
        XCTAssertEqual(try world.ledger.pool.read { db in try db.scalar("SELECT count(*) FROM cases", as: Int.self) }, 0)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: world.ledger.files.folder.path), [], "no file left behind")
    }

    func testFilesOfAFailedFormAreDiscardedAndTheFormSaysSo() throws {
        var form = MultipartBody()
        form.field("category", "")
        form.field("narrative", "x")
        form.file("files", filename: "a.pdf", type: "application/pdf", Array("%PDF-1.4".utf8))
        let r = try call(.post, "/report", headers: ["Content-Type": form.contentType], body: form.finished())
        XCTAssertEqual(r.status.code, 422)
        XCTAssertTrue(html(r).contains("已选择的文件没有保留"))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: world.ledger.files.folder.path), [])
    }

    func testReceiptShowsTheCodeOnce() throws {
        let r = try submit([("category", "bribery"), ("narrative", "某科长收受红包"), ("mode", "anonymous")], lang: "en")
        XCTAssertEqual(r.status.code, 200)
        let code = try XCTUnwrap(trackingCode(in: html(r)))
        XCTAssertNoThrow(try TrackingCode(parsing: code))
        XCTAssertTrue(html(r).contains("Copy it now with a pen on paper"))
    }

    func testMistypedWrongAndUnknownCodes() throws {
        let code = try XCTUnwrap(trackingCode(in: html(try submit([("category", "bribery"), ("narrative", "x")]))))
        var digits = Array(code.filter(\.isNumber))
        digits.swapAt(0, 1)
        if digits[0] == digits[1] { digits[2] = digits[2] == "1" ? "2" : "1" }
        let typo = try call(.post, "/status", headers: ["Content-Type": "application/x-www-form-urlencoded"],
                            body: URLEncodedForm.serialize([("code", String(digits))]))
        XCTAssertEqual(typo.status.code, 400)
        XCTAssertTrue(html(typo).contains("输错或颠倒"))
        XCTAssertTrue(html(typo).contains("required aria-invalid=\"true\" aria-describedby=\"code-error\">"), "the code field says it is wrong")
        let unknown = TrackingCode.generate { _ in (0..<32).map { _ in UInt8.random(in: 0...249) } }
        let other = TrackingCode.generate { _ in (0..<32).map { _ in UInt8.random(in: 0...249) } }
        let a = try call(.post, "/status", headers: ["Content-Type": "application/x-www-form-urlencoded"],
                         body: URLEncodedForm.serialize([("code", unknown.grouped)]))
        let b = try call(.post, "/status", headers: ["Content-Type": "application/x-www-form-urlencoded"],
                         body: URLEncodedForm.serialize([("code", other.digits)]))
        XCTAssertEqual(a.status.code, 404)
        XCTAssertEqual(b.status.code, 404)
        XCTAssertEqual(html(a), html(b), "an unknown and a wrong code get the same page")
        XCTAssertFalse(html(a).contains(unknown.digits.prefix(8)), "the code is not echoed back")
    }

    func testCrossSitePostsAreRefused() throws {
        let r = try call(.post, "/status", headers: ["Content-Type": "application/x-www-form-urlencoded", "Origin": "https://evil.example"],
                         body: URLEncodedForm.serialize([("code", "1")]))
        XCTAssertEqual(r.status.code, 403)
        let s = try call(.post, "/status", headers: ["Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "cross-site"],
                         body: URLEncodedForm.serialize([("code", "1")]))
        XCTAssertEqual(s.status.code, 403)
        let same = try call(.post, "/status", headers: ["Content-Type": "application/x-www-form-urlencoded", "Origin": "http://127.0.0.1:8080"],
                            body: URLEncodedForm.serialize([("code", "1")]))
        XCTAssertEqual(same.status.code, 400)
    }

    func testReplyWithoutSessionOrWithStaleTokenIsRefused() throws {
        let noSession = try call(.post, "/status/reply", headers: ["Content-Type": "application/x-www-form-urlencoded"],
                                 body: URLEncodedForm.serialize([("csrf", "x"), ("text", "hi")]))
        XCTAssertEqual(noSession.status.code, 401)
        let code = try XCTUnwrap(trackingCode(in: html(try submit([("category", "bribery"), ("narrative", "x")]))))
        let opened = try call(.post, "/status", headers: ["Content-Type": "application/x-www-form-urlencoded"],
                              body: URLEncodedForm.serialize([("code", code)]))
        let cookie = try XCTUnwrap(cookieValue(opened.headers["Set-Cookie"], ReporterSessions.cookieName))
        let stale = try call(.post, "/status/reply", headers: ["Content-Type": "application/x-www-form-urlencoded",
                                                               "Cookie": "\(ReporterSessions.cookieName)=\(cookie)"],
                             body: URLEncodedForm.serialize([("csrf", "0000"), ("text", "hi")]))
        XCTAssertEqual(stale.status.code, 403)
    }

    func testRealNameIdentityIsSealedApart() throws {
        let r = try submit([("category", "bribery"), ("narrative", "x"), ("mode", "real_name"), ("identity_name", "李四"),
                            ("identity_phone", "13800000000"), ("confidential", "1")])
        XCTAssertEqual(r.status.code, 200)
        let (realName, confidential, identityGrants) = try world.ledger.pool.read { db in
            (try db.scalar("SELECT real_name FROM cases", as: Int.self), try db.scalar("SELECT confidential FROM cases", as: Int.self),
             try db.scalar("SELECT count(*) FROM identity_grants", as: Int.self))
        }
        XCTAssertEqual(realName, 1)
        XCTAssertEqual(confidential, 1)
        XCTAssertEqual(identityGrants, 2, "the head and the recovery key, nobody else")
    }
}
