@testable import Casefile
import Casework
import Foundation
@testable import Gateway
import HTTPCore
@testable import ReporterSite
@testable import SiteKit
import TestSupport
import XCTest

/// Issue 15, the status page: a session that slides while used, a reply that survives the
/// session's end (carried in the page, not kept on the server), the files listed by name and
/// size, a too-short code called what it is, and the plain word on collecting a reward in person.
final class ReporterStatusTests: XCTestCase {
    var cw: ConsoleWorld!
    let form = "application/x-www-form-urlencoded"

    override func setUpWithError() throws { cw = try ConsoleWorld() }
    override func tearDown() { cw = nil }

    func send(_ method: HTTPMethod, _ target: String, cookie: String? = nil, form fields: [(String, String)]? = nil,
              multipart: MultipartBody? = nil) throws -> Response {
        var headers: HTTPHeaders = [:]
        if let cookie { headers.add("Cookie", "\(ReporterSessions.cookieName)=\(cookie)") }
        return try cw.call(method, target, form: fields, multipart: multipart, extraHeaders: headers)
    }

    /// A report with two files through the form; its code.
    func reportWithFiles() throws -> String {
        var body = MultipartBody()
        body.field("category", "bribery")
        body.field("narrative", "收受红包")
        body.file("files", filename: "转账记录.pdf", type: "application/pdf", Array("%PDF-1.4 ".utf8) + [UInt8](repeating: 1, count: 3000))
        body.file("files", filename: "合同 第二页.txt", type: "text/plain", [UInt8](repeating: 65, count: 2_500_000))
        return try XCTUnwrap(trackingCode(in: html(try send(.post, "/report?lang=zh", multipart: body))))
    }

    func open(_ code: String, lang: String = "zh", carried: String? = nil) throws -> (Response, String?) {
        var fields = [("code", code)]
        if let carried { fields.append(("carried_reply", carried)) }
        let r = try send(.post, "/status?lang=\(lang)", form: fields)
        return (r, cookieValue(r.headers["Set-Cookie"], ReporterSessions.cookieName))
    }

    func csrf(_ page: String) throws -> String {
        let marker = try XCTUnwrap(page.range(of: "name=\"csrf\" value=\""))
        return String(page[marker.upperBound...].prefix { $0 != "\"" })
    }

    func testTheStatusPageListsTheFilesSentByNameAndSize() throws {
        let (_, cookie) = try open(try reportWithFiles())
        let page = html(try send(.get, "/status?lang=zh", cookie: cookie))
        XCTAssertTrue(page.contains("<span class=\"file-name\">转账记录.pdf</span> <span class=\"file-size\">3 KB</span>"), page)
        XCTAssertTrue(page.contains("<span class=\"file-name\">合同 第二页.txt</span> <span class=\"file-size\">2.4 MB</span>"), page)
        XCTAssertFalse(page.contains(" B<"), "no size in bytes")
    }

    func testASessionSlidesWhileUsedAndEndsWhenIdle() throws {
        let (_, cookie) = try open(try reportWithFiles())
        for _ in 0..<4 {
            cw.clock.advance(10 * 60)
            XCTAssertTrue(html(try send(.get, "/status", cookie: cookie)).contains("name=\"csrf\""), "kept alive by use")
        }
        cw.clock.advance(16 * 60)
        XCTAssertFalse(html(try send(.get, "/status", cookie: cookie)).contains("name=\"csrf\""))
    }

    func testAReplyAfterTheSessionEndedComesBackInTheFormOnceTheCodeIsEntered() throws {
        let code = try reportWithFiles()
        let (_, cookie) = try open(code)
        let token = try csrf(html(try send(.get, "/status", cookie: cookie)))
        cw.clock.advance(20 * 60)
        let reply = "我又想起一件事：<b>三月</b>的那笔钱"
        let late = try send(.post, "/status/reply?lang=zh", cookie: cookie, form: [("csrf", token), ("text", reply)])
        XCTAssertEqual(late.status.code, 401)
        let login = html(late)
        XCTAssertTrue(login.contains("回复还没有发送"), login)
        XCTAssertTrue(login.contains("name=\"carried_reply\" value=\"我又想起一件事：&lt;b&gt;三月&lt;/b&gt;的那笔钱\""), "carried in the page, escaped")
        XCTAssertNil(try cw.world.allStoredBytes().firstRange(of: Array("我又想起一件事".utf8)), "not stored on the server")
        let (opened, newCookie) = try open(code, carried: reply)
        XCTAssertNotNil(newCookie)
        let page = html(opened)
        XCTAssertTrue(page.contains(">我又想起一件事：&lt;b&gt;三月&lt;/b&gt;的那笔钱</textarea>"), "the reply is back in its box")
        XCTAssertTrue(page.contains("尚未发送"))
        let messages = try cw.world.ledger.pool.read { db in try db.scalar("SELECT count(*) FROM blobs WHERE kind = 'message_from_reporter'", as: Int.self) }
        XCTAssertEqual(messages, 0, "not sent until the reporter sends it")
    }

    func testLateEvidenceSaysTheFilesMustBeChosenAgain() throws {
        let (_, cookie) = try open(try reportWithFiles())
        cw.clock.advance(20 * 60)
        var body = MultipartBody()
        body.field("csrf", "x")
        body.file("files", filename: "a.pdf", type: "application/pdf", Array("%PDF-1.4".utf8))
        let r = try send(.post, "/status/evidence?lang=en", cookie: cookie, multipart: body)
        XCTAssertEqual(r.status.code, 401)
        XCTAssertTrue(html(r).contains("the files were not uploaded"))
    }

    func testATooShortCodeIsNotCalledATypo() throws {
        let code = try reportWithFiles()
        let short = String(code.filter(\.isNumber).prefix(17))
        let (r, cookie) = try open(short)
        XCTAssertNil(cookie)
        XCTAssertEqual(r.status.code, 400)
        XCTAssertTrue(html(r).contains("查询码应为21位数字，您只输入了 17 位"), html(r))
        XCTAssertFalse(html(r).contains("输错或颠倒"))
        let (en, _) = try open(short + "0000000", lang: "en")
        XCTAssertTrue(html(en).contains("you entered 24"))
    }

    func testCollectingARewardInPersonIsSaidToEndAnonymity() throws {
        XCTAssertTrue(html(try send(.get, "/?lang=zh")).contains("本人到场领取奖励时，经办人员会见到您"))
        let template = try String(contentsOf: templatesFolder.appendingPathComponent("status.html"), encoding: .utf8)
        XCTAssertTrue(template.contains("{{@reward_ends_anonymity}}"), "beside the claim instructions")
    }

    // The language switch of a page with a form being filled in keeps what was typed (point 3).

    func testTheStatusPagesSwitchKeepsAReplyBeingTyped() throws {
        let (_, cookie) = try open(try reportWithFiles())
        let page = html(try send(.get, "/status?lang=zh", cookie: cookie))
        XCTAssertTrue(page.contains("form=\"reply-form\" formaction=\"/status/reply?lang=en\""), "a button of the reply form")
        let switched = try send(.post, "/status/reply?lang=en", cookie: cookie,
                                form: [("csrf", try csrf(page)), ("text", "写了一半的回复"), ("switch_language", "1")])
        XCTAssertEqual(switched.status.code, 200)
        XCTAssertTrue(html(switched).contains(">写了一半的回复</textarea>"))
        XCTAssertTrue(html(switched).contains("lang=\"en\""))
        let sent = try cw.world.ledger.pool.read { db in try db.scalar("SELECT count(*) FROM blobs WHERE kind = 'message_from_reporter'", as: Int.self) }
        XCTAssertEqual(sent, 0, "switching the language sends nothing")
    }

    func testTheCodeFormsSwitchKeepsACarriedReply() throws {
        let (_, cookie) = try open(try reportWithFiles())
        cw.clock.advance(20 * 60)
        let late = html(try send(.post, "/status/reply?lang=zh", cookie: cookie, form: [("csrf", "x"), ("text", "过期后的回复")]))
        XCTAssertTrue(late.contains("form=\"code-form\" formaction=\"/status?lang=en\""))
        let switched = html(try send(.post, "/status?lang=en", form: [("code", ""), ("carried_reply", "过期后的回复"), ("switch_language", "1")]))
        XCTAssertTrue(switched.contains("name=\"carried_reply\" value=\"过期后的回复\""), switched)
        XCTAssertFalse(switched.contains("class=\"field-error\""), "switching is not a wrong code")
    }
}
