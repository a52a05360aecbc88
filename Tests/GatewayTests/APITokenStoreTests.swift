@testable import Casefile
import Casework
@testable import ConsoleSite
import Foundation
@testable import Gateway
import HTTPCore
@testable import ReporterSite
import SQLiteDB
@testable import SiteKit
import Vault
import XCTest

final class APITokenStoreTests: XCTestCase {
    var cw: ConsoleWorld!

    override func setUpWithError() throws { cw = try ConsoleWorld() }
    override func tearDown() { cw = nil }

    func audits(_ action: String) throws -> [String] {
        try cw.ledger.pool.read { db in
            try db.query("SELECT detail FROM audit_log WHERE action = ? ORDER BY id", [.text(action)]).compactMap { try $0.string("detail") }
        }
    }

    func inbox(_ token: String) throws -> Int { try cw.api(.get, "/api/v1/staff/inbox", token: token).status.code }

    func testATokenIsShownOnceAndStoredOnlyAsItsHash() throws {
        let session = try cw.signIn("head")
        let token = try cw.createToken(session, name: "报表脚本")
        XCTAssertTrue(token.hasPrefix("cnd_"))
        XCTAssertEqual(token.count, 4 + 43)
        let secret = try XCTUnwrap(APIToken.decode(token))
        let stored = try cw.world.allStoredBytes()
        XCTAssertFalse(stored.contains(bytes: Array(token.utf8)), "the token string is not in the data folder")
        XCTAssertFalse(stored.contains(bytes: Array(token.dropFirst(4).utf8)))
        XCTAssertFalse(stored.contains(bytes: secret.unsafeCopyToArray()), "nor its raw bytes")
        XCTAssertTrue(stored.contains(bytes: try APIToken.hash(secret)), "only its SHA-256")
        let page = html(try cw.call(.get, "/console/tokens", cookie: session.cookie))
        XCTAssertTrue(page.contains("报表脚本"))
        XCTAssertFalse(page.contains(token), "the list never shows the token again")
        XCTAssertEqual(try inbox(token), 200)
    }

    func testCreationUseAndRevocationAreAuditedWithoutTheToken() throws {
        let session = try cw.signIn("head")
        let token = try cw.createToken(session)
        XCTAssertEqual(try inbox(token), 200)
        XCTAssertEqual(try inbox(token), 200)
        XCTAssertEqual(try audits("api_token_use").count, 1, "the first use each day is audited")
        cw.clock.advance(86_400)
        XCTAssertEqual(try inbox(token), 200)
        XCTAssertEqual(try audits("api_token_use").count, 2)
        let id = try XCTUnwrap(try cw.ledger.apiTokens(accountID: try XCTUnwrap(try cw.ledger.account(login: "head")).id).first?.id)
        let fresh = try cw.signIn("head")
        XCTAssertEqual(try cw.call(.post, "/console/tokens/\(id)/revoke", cookie: fresh.cookie, form: [("csrf", fresh.csrf)]).status.code, 303)
        XCTAssertEqual(try audits("api_token_create"), ["token=\(id)"])
        XCTAssertEqual(try audits("api_token_revoke"), ["token=\(id)"])
        let all = try cw.ledger.pool.read { db in try db.query("SELECT detail FROM audit_log").compactMap { try $0.string("detail") } }
        XCTAssertFalse(all.contains { $0.contains(token) || $0.contains(String(token.dropFirst(4).prefix(12))) })
    }

    func testARevokedTokenIs401() throws {
        let session = try cw.signIn("head")
        let token = try cw.createToken(session)
        let id = try XCTUnwrap(try cw.ledger.apiTokens(accountID: try XCTUnwrap(try cw.ledger.account(login: "head")).id).first?.id)
        XCTAssertEqual(try cw.call(.post, "/console/tokens/\(id)/revoke", cookie: session.cookie, form: [("csrf", "wrong")]).status.code, 403)
        XCTAssertEqual(try inbox(token), 200)
        XCTAssertEqual(try cw.call(.post, "/console/tokens/\(id)/revoke", cookie: session.cookie, form: [("csrf", session.csrf)]).status.code, 303)
        let refused = try cw.api(.get, "/api/v1/staff/inbox", token: token)
        XCTAssertEqual(refused.status.code, 401)
        XCTAssertEqual(refused.headers["WWW-Authenticate"], "Bearer")
        XCTAssertEqual(try cw.ledger.pool.read { db in try db.scalar("SELECT count(*) FROM api_tokens", as: Int.self) }, 0,
                       "the row, and the sealed key with it, is gone")
    }

    func testAnotherAccountCannotRevokeMyToken() throws {
        let mine = try cw.createToken(try cw.signIn("head"))
        let id = try XCTUnwrap(try cw.ledger.apiTokens(accountID: try XCTUnwrap(try cw.ledger.account(login: "head")).id).first?.id)
        let other = try cw.signIn("inspector1")
        XCTAssertEqual(try cw.call(.post, "/console/tokens/\(id)/revoke", cookie: other.cookie, form: [("csrf", other.csrf)]).status.code, 404)
        XCTAssertEqual(try inbox(mine), 200)
    }

    func testADisabledAccountsTokenStopsWorking() throws {
        let token = try cw.createToken(try cw.signIn("inspector1"))
        XCTAssertEqual(try inbox(token), 200)
        try cw.ledger.setDisabled(login: "inspector1", true, actor: "test")
        XCTAssertEqual(try inbox(token), 401)
        try cw.ledger.setDisabled(login: "inspector1", false, actor: "test")
        XCTAssertEqual(try inbox(token), 200)
    }

    func testMalformedAndForgedTokensAre401() throws {
        let token = try cw.createToken(try cw.signIn("head"))
        var flipped = Array(token)
        flipped[10] = flipped[10] == "A" ? "B" : "A"
        for bad in ["", "cnd_", "cnd_short", String(flipped), "Bearer", String(token.dropFirst(4)), token + "A"] {
            XCTAssertEqual(try inbox(bad), 401, bad)
        }
        XCTAssertEqual(try cw.api(.get, "/api/v1/staff/inbox", headers: ["Authorization": "Basic \(token)"]).status.code, 401)
    }

    func testASealedKeyMovedToAnotherRowDoesNotOpen() throws {
        let session = try cw.signIn("head")
        let first = try cw.createToken(session, name: "one")
        let second = try cw.createToken(session, name: "two")
        // Give the second row the first row's salt and sealed key: the associated data names the
        // row, so the key does not open even with the right token-derived key material.
        try cw.ledger.pool.write { db in
            let row = try XCTUnwrap(try db.queryOne("SELECT salt, key_sealed FROM api_tokens WHERE name = 'one'"))
            try db.execute("UPDATE api_tokens SET salt = ?, key_sealed = ? WHERE name = 'two'",
                           [.blob(try row.blob("salt") ?? []), .blob(try row.blob("key_sealed") ?? [])])
            try db.execute("DELETE FROM api_tokens WHERE name = 'one'")
            try db.execute("UPDATE api_tokens SET token_hash = ? WHERE name = 'two'", [.blob(try APIToken.hash(try XCTUnwrap(APIToken.decode(first))))])
        }
        XCTAssertEqual(try inbox(first), 401)
        XCTAssertEqual(try inbox(second), 401)
    }

    func testTheTokenPageNeedsASessionAndItsCSRFToken() throws {
        XCTAssertEqual(try cw.call(.get, "/console/tokens").status.code, 303, "no session: to the login page")
        let session = try cw.signIn("head")
        XCTAssertEqual(try cw.call(.post, "/console/tokens", cookie: session.cookie, form: [("name", "x")]).status.code, 403)
        XCTAssertEqual(try cw.call(.post, "/console/tokens", cookie: session.cookie, form: [("csrf", session.csrf), ("name", " ")]).status.code, 422)
        XCTAssertEqual(try cw.ledger.pool.read { db in try db.scalar("SELECT count(*) FROM api_tokens", as: Int.self) }, 0)
    }
}
