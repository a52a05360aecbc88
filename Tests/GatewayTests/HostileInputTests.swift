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

/// The classic bad inputs, sent to every reporter and console route that takes input: each is
/// refused with a clear status, or stored harmlessly and shown escaped.
final class HostileInputTests: XCTestCase {
    var cw: ConsoleWorld!

    override func setUpWithError() throws { cw = try ConsoleWorld() }
    override func tearDown() { cw = nil }

    static let script = "<script>alert('x')</script><img src=x onerror=alert(1)>\"'`"

    func raw(_ method: HTTPMethod, _ target: String, type: String, body: [UInt8], cookie: String? = nil) throws -> Response {
        var headers: HTTPHeaders = ["Host": "127.0.0.1:8080", "Content-Type": type]
        if let cookie { headers.add("Cookie", cookie) }
        return try cw.app.handler.handle(try Request(method: method, target: target, headers: headers, body: body))
    }

    func report(_ fields: [(String, String)], files: [(String, String, [UInt8])] = []) throws -> Response {
        var form = MultipartBody()
        for (n, v) in fields { form.field(n, v) }
        for (name, type, bytes) in files { form.file("files", filename: name, type: type, bytes) }
        return try cw.call(.post, "/report", multipart: form)
    }

    func testScriptInEveryFieldIsStoredAndShownEscaped() throws {
        let s = HostileInputTests.script
        let r = try report([("category", "bribery"), ("narrative", s), ("when", s), ("where", s), ("people", s), ("accused_name_0", s),
                            ("accused_post_0", s), ("loss", "1"), ("mode", "anonymous")],
                           files: [("<script>alert(1)</script>.pdf", "text/html", Array("x".utf8))])
        XCTAssertEqual(r.status.code, 200)
        let head = try cw.signIn("head")
        let ref = try cw.ledger.pool.read { db in try db.scalar("SELECT ref FROM cases", as: String.self) }!
        for action in ["note", "message", "interview"] {
            XCTAssertEqual(try cw.act(head, ref, action, [("text", s)]).status.code, 303)
        }
        let page = html(try cw.call(.get, "/console/case/\(ref)", cookie: head.cookie))
        XCTAssertFalse(page.contains("<script>alert"), "never raw")
        XCTAssertFalse(page.contains("<img src=x"), "never raw")
        XCTAssertTrue(page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"))
        // The reporter's page too.
        let opened = try cw.call(.post, "/status", form: [("code", try XCTUnwrap(trackingCode(in: html(r))))])
        let cookie = try XCTUnwrap(cookieValue(opened.headers["Set-Cookie"], ReporterSessions.cookieName))
        let status = html(try raw(.get, "/status", type: "text/plain", body: [], cookie: "\(ReporterSessions.cookieName)=\(cookie)"))
        XCTAssertFalse(status.contains("<script>alert"))
        XCTAssertTrue(status.contains("&lt;script&gt;"))
    }

    func testOverlongFieldsAreRefusedAndTheFormKept() throws {
        let long = String(repeating: "长", count: ReportDraft.Limits.narrative + 1)
        let r = try report([("category", "bribery"), ("narrative", long)])
        XCTAssertEqual(r.status.code, 422)
        XCTAssertTrue(html(r).contains("内容过长"))
        let short = try report([("category", "bribery"), ("narrative", "x"), ("when", String(repeating: "x", count: 501))])
        XCTAssertEqual(short.status.code, 422)
        let head = try cw.signIn("head")
        let receipt = try cw.submit(ReportDraft(category: "bribery", narrative: "x"))
        XCTAssertEqual(try cw.act(head, receipt.caseRef, "note", [("text", long)]).status.code, 422)
        // A field over the parser's own bound is refused before it is held.
        let huge = try report([("category", "bribery"), ("narrative", String(repeating: "x", count: 70 * 1024))])
        XCTAssertEqual(huge.status.code, 413)
    }

    func testInvalidUTF8AndNULAreRefused() throws {
        let bad: [[UInt8]] = [Array("code=".utf8) + [0xC3, 0x28], Array("code=%FF%FE".utf8), Array("code=a%00b".utf8), Array("code=%zz".utf8)]
        for body in bad {
            XCTAssertEqual(try raw(.post, "/status", type: "application/x-www-form-urlencoded", body: body).status.code, 400)
        }
        var form = MultipartBody()
        form.field("category", "bribery")
        form.bytes += Array("--\(form.boundary)\r\nContent-Disposition: form-data; name=\"narrative\"\r\n\r\n".utf8) + [0xFF, 0xFE, 0x00] + Array("\r\n".utf8)
        XCTAssertEqual(try cw.call(.post, "/report", multipart: form).status.code, 400)
        XCTAssertEqual(try cw.ledger.pool.read { db in try db.scalar("SELECT count(*) FROM cases", as: Int.self) }, 0)
    }

    func testTraversalFileNamesZipBombsEmptyFilesAndWrongTypes() throws {
        // A zip bomb is stored as the bytes it is: nothing here ever decompresses an upload.
        var zip: [UInt8] = [0x50, 0x4B, 0x03, 0x04] + [UInt8](repeating: 0, count: 4096)
        zip[10] = 8
        let r = try report([("category", "bribery"), ("narrative", "x")],
                           files: [("../../../etc/passwd", "text/plain", Array("root:x:0:0".utf8)),
                                   ("..\\..\\Keys\\pepper", "application/octet-stream", Array("p".utf8)),
                                   ("bomb.zip", "application/zip", zip),
                                   ("empty.txt", "text/plain", [])])
        XCTAssertEqual(r.status.code, 200)
        let head = try cw.signIn("head")
        let ref = try cw.ledger.pool.read { db in try db.scalar("SELECT ref FROM cases", as: String.self) }!
        guard case .granted(let c) = try cw.ledger.staffCase(ref: ref, accountID: try cw.ledger.account(login: "head")!.id,
                                                              key: try cw.ledger.unlockKey(accountID: try cw.ledger.account(login: "head")!.id, password: World.password)!,
                                                              action: .view) else { return XCTFail() }
        let names = try cw.ledger.attachments(c).map(\.meta.fileName)
        XCTAssertEqual(names, ["passwd", "pepper", "bomb.zip"], "names reduced to a base name; the empty file is not stored")
        let stored = try FileManager.default.contentsOfDirectory(atPath: cw.ledger.files.folder.path)
        XCTAssertTrue(stored.allSatisfy { $0.count == 32 && $0.allSatisfy(\.isHexDigit) }, "files on disk have our names, never the client's")
        _ = head
        XCTAssertEqual(try raw(.post, "/report", type: "text/plain", body: Array("narrative=x".utf8)).status.code, 415)
        XCTAssertEqual(try raw(.post, "/status", type: "application/json", body: Array("{}".utf8)).status.code, 415)
    }

    func testStaticTraversalGetsNothing() throws {
        for path in ["/static/../Keys/pepper", "/static/%2e%2e/%2e%2e/Keys/pepper", "/static/..%2fi18n/zh.json", "/static/%00", "/static/\\..\\head.html"] {
            let r = try cw.call(.get, path)
            XCTAssertTrue([400, 404].contains(r.status.code), "\(path): \(r.status.code)")
        }
        XCTAssertEqual(try cw.call(.get, "/static/candor.css").status.code, 200)
    }

    func testConsoleFormsWithBadInputs() throws {
        let head = try cw.signIn("head")
        let receipt = try cw.submit(ReportDraft(category: "bribery", narrative: "x"))
        let cookie = "\(StaffSessions.cookieName)=\(head.cookie)"
        let body = Array("csrf=\(head.csrf)&text=".utf8) + [0xC3, 0x28]
        XCTAssertEqual(try raw(.post, "/console/case/\(receipt.caseRef)/act/note", type: "application/x-www-form-urlencoded", body: body, cookie: cookie).status.code, 400)
        XCTAssertEqual(try raw(.post, "/console/case/\(receipt.caseRef)/act/note", type: "multipart/form-data; boundary=x", body: Array("--x--".utf8), cookie: cookie).status.code, 415)
        XCTAssertEqual(try cw.act(head, receipt.caseRef, "designate", [("inspector", "'; DROP TABLE cases; --")]).status.code, 403)
        XCTAssertEqual(try cw.call(.get, "/console/case/..%2f..%2fKeys", cookie: head.cookie).status.code, 404)
        XCTAssertEqual(try cw.act(head, receipt.caseRef, "no-such-action").status.code, 404)
        XCTAssertEqual(try cw.ledger.pool.read { db in try db.scalar("SELECT count(*) FROM cases", as: Int.self) }, 1)
    }
}
