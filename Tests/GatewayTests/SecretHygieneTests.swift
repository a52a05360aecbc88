@testable import Casefile
import Casework
@testable import Commands
@testable import ConsoleSite
import Foundation
@testable import Gateway
import HTTPCore
@testable import ReporterSite
@testable import SiteKit
import TestSupport
import Vault
import XCTest

/// Issue 14, finding 6: token ids, the reporter's cookie, sessions after a purge, CSRF compares.
final class SecretHygieneTests: AppTestCase {
    let formType = "application/x-www-form-urlencoded"

    func call(_ method: HTTPMethod, _ target: String, headers: HTTPHeaders = [:], body: [UInt8] = []) throws -> Response {
        var h = headers
        if h["Host"] == nil { h.add("Host", "127.0.0.1:8080") }
        return try app.handler.handle(try Request(method: method, target: target, headers: h, body: body))
    }

    /// A report through the form, and a status session opened with its code.
    func openSession() throws -> (ref: String, opened: Response, cookie: String, csrf: String) {
        var form = MultipartBody()
        for (n, v) in [("category", "bribery"), ("narrative", "收费员私收入网费")] { form.field(n, v) }
        let receipt = try followReceipt(try call(.post, "/report?lang=en", headers: ["Content-Type": form.contentType], body: form.finished())) {
            try app.handler.handle($0)
        }
        let code = try XCTUnwrap(trackingCode(in: html(receipt)))
        let opened = try call(.post, "/status?lang=en", headers: ["Content-Type": formType], body: URLEncodedForm.serialize([("code", code)]))
        let cookie = try XCTUnwrap(cookieValue(opened.headers["Set-Cookie"], ReporterSessions.cookieName))
        let page = html(try call(.get, "/status?lang=en", headers: ["Cookie": "\(ReporterSessions.cookieName)=\(cookie)"]))
        let marker = try XCTUnwrap(page.range(of: "name=\"csrf\" value=\""))
        let csrf = String(page[marker.upperBound...].prefix { $0 != "\"" })
        let ref = try XCTUnwrap(try world.ledger.pool.read { db in try db.queryOne("SELECT ref FROM cases ORDER BY id DESC LIMIT 1")?.string("ref") })
        return (ref, opened, cookie, csrf)
    }

    func purge(_ ref: String) throws {
        let day = Int64(world.ledger.today.adding(days: -800).ordinal)
        try world.ledger.pool.write { db in
            try db.execute("UPDATE cases SET state = 'closed', outcome = 'unsubstantiated', closed_day = ? WHERE ref = ?", [.integer(day), .text(ref)])
        }
        _ = try world.ledger.purge(caseRef: ref, actor: "cli:purge")
    }

    func testTheReporterCookieIsASessionCookie() throws {
        let header = try XCTUnwrap(try openSession().opened.headers["Set-Cookie"])
        XCTAssertFalse(header.contains("Max-Age"), header)
        XCTAssertFalse(header.contains("Expires"), header)
        XCTAssertTrue(header.contains("HttpOnly") && header.contains("SameSite=Strict"), header)
    }

    func testPostsThroughASessionOpenedBeforeThePurgeGetTheUnknownCodePage() throws {
        let unknown = try call(.post, "/status?lang=en", headers: ["Content-Type": formType],
                               body: URLEncodedForm.serialize([("code", TrackingCode.generate { try! Random.bytes($0) }.grouped)]))
        let unknownText = "No report opens with this code."
        XCTAssertTrue(html(unknown).contains(unknownText))
        // Reply.
        let first = try openSession()
        try purge(first.ref)
        let reply = try call(.post, "/status/reply?lang=en", headers: ["Content-Type": formType, "Cookie": "\(ReporterSessions.cookieName)=\(first.cookie)"],
                             body: URLEncodedForm.serialize([("csrf", first.csrf), ("text", "还有一张收据")]))
        XCTAssertEqual(reply.status.code, unknown.status.code, "the same answer as an unknown code, not a 500")
        XCTAssertTrue(html(reply).contains(unknownText))
        let after = try call(.get, "/status?lang=en", headers: ["Cookie": "\(ReporterSessions.cookieName)=\(first.cookie)"])
        XCTAssertFalse(html(after).contains("name=\"csrf\""), "the purge ended the session: no status page")
        // Evidence.
        let second = try openSession()
        try purge(second.ref)
        var upload = MultipartBody()
        upload.field("csrf", second.csrf)
        upload.file("files", filename: "receipt.pdf", type: "application/pdf", Array("%PDF-1.4 late".utf8))
        let evidence = try call(.post, "/status/evidence?lang=en", headers: ["Content-Type": upload.contentType, "Cookie": "\(ReporterSessions.cookieName)=\(second.cookie)"],
                                body: upload.finished())
        XCTAssertEqual(evidence.status.code, unknown.status.code)
        XCTAssertTrue(html(evidence).contains(unknownText))
        XCTAssertEqual(try world.ledger.pool.read { db in try db.scalar("SELECT count(*) FROM attachments", as: Int.self) }, 0)
    }

    func testNoCSRFTokenIsComparedWithEquals() throws {
        // Constant time cannot be asserted by a clock here; what can be is that no token is
        // compared with `==`, whose time depends on how much of a guess matches.
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources")
        let pattern = try NSRegularExpression(pattern: #"csrf"?\)?\s*[!=]=|[!=]=\s*[\w.]*csrf\b"#)
        var found: [String] = []
        for module in ["SiteKit", "ReporterSite", "ConsoleSite"] {
            let folder = sources.appendingPathComponent(module)
            let files = try XCTUnwrap(FileManager.default.enumerator(atPath: folder.path)).compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }
            XCTAssertFalse(files.isEmpty, module)
            for file in files {
                let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
                for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
                where pattern.firstMatch(in: String(line), range: NSRange(line.startIndex..., in: line)) != nil {
                    found.append("\(module)/\(file):\(n + 1): \(line.trimmingCharacters(in: .whitespaces))")
                }
            }
        }
        XCTAssertEqual(found, [])
    }
}

/// Issue 14, finding 6: a revoked token's id never names another token.
final class TokenIDTests: XCTestCase {
    var cw: ConsoleWorld!

    override func setUpWithError() throws { cw = try ConsoleWorld() }
    override func tearDown() { cw = nil }

    func testATokenIDIsNeverReusedAfterARevoke() throws {
        let session = try cw.signIn("head")
        let head = try XCTUnwrap(try cw.ledger.account(login: "head"))
        _ = try cw.createToken(session, name: "first")
        let first = try XCTUnwrap(try cw.ledger.apiTokens(accountID: head.id).last?.id)
        XCTAssertTrue(try cw.ledger.revokeAPIToken(id: first, accountID: head.id))
        _ = try cw.createToken(try cw.signIn("head"), name: "second")
        let second = try XCTUnwrap(try cw.ledger.apiTokens(accountID: head.id).last?.id)
        XCTAssertNotEqual(second, first, "the audit log's token=\(first) must name one token only")
        let created = try cw.ledger.pool.read { db in
            try db.query("SELECT detail FROM audit_log WHERE action = 'api_token_create'").compactMap { try $0.string("detail") }
        }
        XCTAssertEqual(Set(created).count, created.count)
    }
}

extension TokenIDTests {
    func testMigration0010KeepsEveryTokenAndItsID() throws {
        let session = try cw.signIn("head")
        let token = try cw.createToken(session, name: "kept")
        let head = try XCTUnwrap(try cw.ledger.account(login: "head"))
        let before = try cw.ledger.apiTokens(accountID: head.id)
        // The table as it was before 0010, with the same rows, and 0010 not yet applied.
        try cw.ledger.pool.write { db in
            try db.execute("""
                CREATE TABLE old_tokens AS SELECT * FROM api_tokens; DROP TABLE api_tokens;
                CREATE TABLE api_tokens(id INTEGER PRIMARY KEY, account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                  name TEXT NOT NULL, token_hash BLOB NOT NULL UNIQUE, salt BLOB NOT NULL, key_sealed BLOB NOT NULL,
                  created_day INTEGER NOT NULL, last_used_day INTEGER) STRICT;
                INSERT INTO api_tokens SELECT * FROM old_tokens; DROP TABLE old_tokens;
                DELETE FROM schema_migrations WHERE name = '0010-api-token-ids-never-reused';
                """)
        }
        try cw.world.reopen(clock: cw.clock.closure)
        cw.app = try GatewayApp(ledger: cw.world.ledger, templates: templatesFolder)
        XCTAssertEqual(try cw.world.ledger.apiTokens(accountID: head.id), before)
        let schema = try cw.world.ledger.pool.read { db in try db.queryOne("SELECT sql FROM sqlite_schema WHERE name = 'api_tokens'")?.string("sql") }
        XCTAssertTrue(schema?.contains("AUTOINCREMENT") ?? false)
        XCTAssertEqual(try cw.api(.get, "/api/v1/staff/inbox", token: token).status.code, 200, "the token still opens its sealed key")
    }
}

/// The same purge through the reporter API: a token opened before the purge gets the unknown
/// code's answer, not a 500, and is ended.
extension APIReporterRoutesTests {
    func testAPISessionOpenedBeforeThePurgeGetsTheUnknownCodeAnswer() throws {
        let unknown = try post("/api/v1/reporter/session", ["code": TrackingCode.generate { try! Random.bytes($0) }.grouped])
        XCTAssertEqual(unknown.status.code, 404)
        for step in ["messages", "evidence", "case"] {
            let code = try XCTUnwrap(json(try post("/api/v1/reports", ["category": "bribery", "narrative": "x"]))["tracking_code"] as? String)
            let token = try openSession(code)
            let ref = try XCTUnwrap(try world.ledger.pool.read { db in try db.queryOne("SELECT ref FROM cases ORDER BY id DESC LIMIT 1")?.string("ref") })
            let day = Int64(world.ledger.today.adding(days: -800).ordinal)
            try world.ledger.pool.write { db in
                try db.execute("UPDATE cases SET state = 'closed', outcome = 'unsubstantiated', closed_day = ? WHERE ref = ?", [.integer(day), .text(ref)])
            }
            _ = try world.ledger.purge(caseRef: ref, actor: "cli:purge")
            let answer: Response
            switch step {
            case "messages": answer = try post("/api/v1/reporter/messages", ["text": "还有一张收据"], token: token)
            case "evidence":
                var upload = MultipartBody()
                upload.file("files", filename: "r.pdf", type: "application/pdf", Array("%PDF-1.4 late".utf8))
                answer = try call(.post, "/api/v1/reporter/evidence", headers: ["Content-Type": upload.contentType, "Authorization": "Bearer \(token)"],
                                  body: upload.finished())
            default: answer = try call(.get, "/api/v1/reporter/case", headers: bearer(token))
            }
            XCTAssertEqual(answer.status.code, 404, step)
            XCTAssertEqual(bodyBytes(answer), bodyBytes(unknown), "\(step): the body an unknown code gets")
            XCTAssertEqual(try call(.get, "/api/v1/reporter/case", headers: bearer(token)).status.code, 401, "\(step): the session ended")
        }
    }
}
