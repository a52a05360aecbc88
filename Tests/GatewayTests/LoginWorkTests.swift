@testable import Casefile
import Casework
@testable import ConsoleSite
import Foundation
@testable import Gateway
import HTTPCore
@testable import ReporterSite
@testable import SiteKit
import TestSupport
import Vault
import XCTest

/// A failed login must cost the same work whichever factor failed, or its time tells an attacker
/// which one did (that an account exists; that a guessed password was right). The work is the
/// scrypt derivations, counted here per attempt with their parameters; `make bench-timing`
/// times the same attempts against a running server.
final class LoginWorkTests: XCTestCase {
    var cw: ConsoleWorld!

    override func setUpWithError() throws {
        cw = try ConsoleWorld()
        cw.clock.advance(30)
        // The server makes its look-alike material for unknown logins at start-up; here the
        // first unknown login does, before anything is counted.
        XCTAssertEqual(try attempt("warm-up-no-such-account", password: "whatever it is").status, 401)
    }

    override func tearDown() { cw = nil }

    struct Attempt {
        let status: Int
        let work: [ScryptTally.Derivation]
    }

    /// A six-digit code that is none of the three the server accepts now.
    func wrongCode(_ login: String) throws -> String {
        let secret = try XCTUnwrap(cw.secrets[login])
        let now = cw.clock.now.load(ordering: .relaxed)
        let valid = try [now - 30, now, now + 30].map { try TOTP.code(secret: secret, time: Date(timeIntervalSince1970: TimeInterval($0))) }
        return try XCTUnwrap(["000000", "111111", "222222", "333333"].first { !valid.contains($0) })
    }

    func attempt(_ login: String, password: String = World.password, code: String? = nil) throws -> Attempt {
        let tally = ScryptTally()
        let totp = try code ?? (cw.secrets[login] != nil ? wrongCode(login) : "000000")
        let response = try ScryptTally.$current.withValue(tally) {
            try cw.call(.post, "/console/login", form: [("login", login), ("password", password), ("totp", totp)])
        }
        return Attempt(status: response.status.code, work: tally.derivations)
    }

    func testEveryFailedLoginCostsWhatASuccessfulOneDoes() throws {
        let success = try attempt("admin", code: try cw.code("admin"))
        XCTAssertEqual(success.status, 303)
        XCTAssertFalse(success.work.isEmpty)
        XCTAssertTrue(success.work.allSatisfy { $0.parameters == World.fastParameters }, "\(success.work)")

        // An account that has not enrolled TOTP yet, for first-login enrolment.
        try cw.world.account("newcomer", "新同事", .inspector)
        // Used once, then replayed.
        let used = try cw.code("inspector2")
        XCTAssertEqual(try attempt("inspector2", code: used).status, 303)
        try cw.ledger.setDisabled(login: "chairman", true, actor: "test")
        for _ in 0..<Ledger.freeFailures {
            _ = try attempt("secretary", password: "wrong password again")
            _ = try attempt("ghost-account", password: "wrong password again")
        }

        let failures: [(String, Attempt, Int)] = [
            ("unknown account", try attempt("nobody-here"), 401),
            ("wrong password", try attempt("head", password: "not the right password"), 401),
            ("right password, wrong TOTP code", try attempt("inspector1"), 401),
            ("right password, replayed TOTP code", try attempt("inspector2", code: used), 401),
            ("disabled account, right password and code", try attempt("chairman", code: try cw.code("chairman")), 401),
            ("locked-out account, right password and code", try attempt("secretary", code: try cw.code("secretary")), 429),
            ("locked-out unknown account", try attempt("ghost-account"), 429),
            ("not enrolled, wrong password", try attempt("newcomer", password: "not the right password"), 401),
        ]
        for (name, failure, status) in failures {
            XCTAssertEqual(failure.status, status, name)
            XCTAssertEqual(failure.work, success.work, "\(name) costs other work than a successful login")
        }
        let enrolment = try attempt("newcomer")
        XCTAssertEqual(enrolment.status, 303, "first login goes on to TOTP enrolment")
        XCTAssertEqual(enrolment.work, success.work)
    }

    func testTheLookAlikeWorkIsNotAFastPathForTheRightPassword() throws {
        // The look-alike derivations must not let a right password through an unknown or
        // locked account: the answers stay refusals after the same work.
        try cw.world.account("lockme", "锁定", .inspector)
        for _ in 0..<Ledger.freeFailures { _ = try attempt("lockme", password: "wrong password again") }
        XCTAssertEqual(try attempt("lockme").status, 429)
        XCTAssertEqual(try attempt("no-such-login", password: World.password).status, 401)
        cw.clock.advance(3600)
        XCTAssertEqual(try attempt("lockme").status, 303, "the lock ends and the right password works")
    }
}
