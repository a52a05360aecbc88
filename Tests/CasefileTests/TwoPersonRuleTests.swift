import Casework
import Foundation
import SQLiteDB
import Vault
import XCTest
@testable import Casefile
import TestSupport

/// Issue 13, the two-person rule: who may confirm, what a confirmation or a rejection does, the
/// command line's bootstrap, and the alternates' confirmation. The attacks themselves are in
/// `TwoPersonAttackTests`.
final class TwoPersonRuleTests: XCTestCase {
    var world: World!

    override func setUpWithError() throws {
        world = try World()
        try world.standardRoster()
    }

    override func tearDown() { world = nil }

    func account(_ login: String) throws -> Account { try XCTUnwrap(try world.ledger.account(login: login)) }

    func holders(_ ref: String) throws -> Set<String> {
        Set(try world.ledger.pool.read { db in
            try db.query("""
                SELECT a.login FROM grants g JOIN cases c ON c.id = g.case_id JOIN accounts a ON a.id = g.account_id WHERE c.ref = ?
                """, [.text(ref)]).map { try $0.required(String.self, "login", table: "accounts") }
        })
    }

    func audits(_ action: String) throws -> Int {
        try world.ledger.pool.read { db in try db.scalar("SELECT count(*) FROM audit_log WHERE action = ?", [.text(action)], as: Int.self) ?? 0 }
    }

    func ordinaryReport() throws -> Receipt {
        try world.submit(ReportDraft(category: "bribery", narrative: "ORDINARY", accused: [AccusedPerson(name: "外部人员", post: "包工头")]))
    }

    func adminMakesHead2() throws -> ReaderChange {
        let made = try world.ledger.createAccount(login: "head2", displayName: "周强", employeeID: "E1004", role: .head, seat: nil,
                                                  password: World.password, actor: "staff:\(try account("admin").id)")
        XCTAssertTrue(made.readingPending)
        XCTAssertFalse(try world.ledger.handlers().contains { $0.login == "head2" }, "not offered to reporters either")
        return try XCTUnwrap(try world.ledger.pendingReaderChanges().first { $0.accountID == made.id })
    }

    func testOnlyASecondReaderConfirmsAndThenTheNewHeadReceives() throws {
        let (requests, confirms) = (try audits("reader_change_request"), try audits("reader_change_confirm"))
        let change = try adminMakesHead2()
        XCTAssertEqual(change.kind, .create)
        for login in ["admin", "auditor", "inspector1", "head2", "supervisor"] {
            XCTAssertThrowsError(try world.ledger.confirmReaderChange(change.id, by: try account(login).id, settingsFile: nil), login)
        }
        XCTAssertEqual(try audits("reader_change_refused"), 5)
        XCTAssertTrue(try account("head2").readingPending)
        try world.ledger.confirmReaderChange(change.id, by: try account("chairman").id, settingsFile: nil)
        XCTAssertFalse(try account("head2").readingPending)
        XCTAssertThrowsError(try world.ledger.confirmReaderChange(change.id, by: try account("head").id, settingsFile: nil), "decided once")
        XCTAssertEqual(try holders(try ordinaryReport().caseRef), ["head", "head2"])
        XCTAssertEqual(try audits("reader_change_request"), requests + 1)
        XCTAssertEqual(try audits("reader_change_confirm"), confirms + 1)
    }

    func testTheOneWhoAskedNeverConfirms() throws {
        let head = try account("head")
        let made = try world.ledger.createAccount(login: "inspector9", displayName: "王九", employeeID: nil, role: .inspector, seat: nil,
                                                  password: World.password, actor: "staff:\(head.id)")
        let change = try XCTUnwrap(try world.ledger.pendingReaderChanges().first { $0.accountID == made.id })
        XCTAssertThrowsError(try world.ledger.confirmReaderChange(change.id, by: head.id, settingsFile: nil)) { error in
            XCTAssertTrue("\(error)".contains("second person"), "\(error)")
        }
        try world.ledger.confirmReaderChange(change.id, by: try account("secretary").id, settingsFile: nil)
        XCTAssertFalse(try account("inspector9").readingPending)
    }

    func testARejectedAccountIsDisabledAndHoldsNothing() throws {
        let change = try adminMakesHead2()
        try world.ledger.rejectReaderChange(change.id, by: try account("head").id)
        let head2 = try account("head2")
        XCTAssertTrue(head2.disabled && head2.readingPending)
        XCTAssertEqual(try holders(try ordinaryReport().caseRef), ["head"])
        XCTAssertEqual(try audits("reader_change_reject"), 1)
        XCTAssertTrue(try world.ledger.pendingReaderChanges().isEmpty)
    }

    func testAResetReaderWaitsAndAnotherOpenChangeKeepsItWaiting() throws {
        let admin = "staff:\(try account("admin").id)"
        try world.ledger.resetPassword(login: "inspector2", newPassword: "first new passphrase", actor: admin)
        try world.ledger.resetPassword(login: "inspector2", newPassword: "second new passphrase", actor: admin)
        let changes = try world.ledger.pendingReaderChanges().filter { $0.accountID == (try? account("inspector2").id) }
        XCTAssertEqual(changes.map(\.kind), [.reset, .reset])
        try world.ledger.confirmReaderChange(changes[0].id, by: try account("head").id, settingsFile: nil)
        XCTAssertTrue(try account("inspector2").readingPending, "the second reset is not confirmed yet")
        try world.ledger.confirmReaderChange(changes[1].id, by: try account("head").id, settingsFile: nil)
        XCTAssertFalse(try account("inspector2").readingPending)
    }

    func testBootstrapIsTheCommandLineBeforeAnyoneCouldConfirm() throws {
        let fresh = try World()
        let byConsole = try fresh.ledger.createAccount(login: "head", displayName: "王建国", employeeID: nil, role: .head, seat: nil,
                                                       password: World.password, actor: "staff:99")
        XCTAssertTrue(byConsole.readingPending, "the console never bootstraps")
        let first = try fresh.ledger.createAccount(login: "head1", displayName: "李一", employeeID: nil, role: .head, seat: nil,
                                                   password: World.password, actor: "cli", commandLine: true)
        XCTAssertFalse(first.readingPending, "the installer's first reader is in force at once")
        let second = try fresh.ledger.createAccount(login: "chair", displayName: "赵二", employeeID: nil, role: .approver, seat: .chairman,
                                                    password: World.password, actor: "cli", commandLine: true)
        XCTAssertTrue(second.readingPending, "once someone could confirm, the command line waits too")
        let bootstraps = try fresh.ledger.pool.read { db in
            try db.scalar("SELECT count(*) FROM reader_changes WHERE outcome = 'bootstrap'", as: Int.self)
        }
        XCTAssertEqual(bootstraps, 1)
        XCTAssertEqual(try fresh.ledger.pool.read { db in
            try db.scalar("SELECT count(*) FROM audit_log WHERE action = 'reader_change_bootstrap'", as: Int.self)
        }, 1)
    }

    func testNewAlternatesComeIntoForceOnlyWhenConfirmedAndAreCheckedAgain() throws {
        let file = world.root.appendingPathComponent("settings.json")
        let admin = "staff:\(try account("admin").id)"
        let json = #"{"alternates": {"intake": "inspector1", "chairman": "supervisor", "party_secretary": "deputysecretary"}}"#
        XCTAssertEqual(try world.ledger.changeSettings(json: Array(json.utf8), file: file, actor: admin), ["alternates"])
        XCTAssertEqual(world.ledger.settings.alternates.intake, "inspector2")
        XCTAssertEqual(try world.ledger.pendingAlternates()?.intake, "inspector1")
        let change = try XCTUnwrap(try world.ledger.pendingReaderChanges().first { $0.kind == .alternates })
        XCTAssertThrowsError(try world.ledger.confirmReaderChange(change.id, by: try account("admin").id, settingsFile: file))

        // The roster changed meanwhile: the alternate asked for no longer reads. Checked again.
        try world.ledger.setDisabled(login: "inspector1", true, actor: admin)
        XCTAssertThrowsError(try world.ledger.confirmReaderChange(change.id, by: try account("head").id, settingsFile: file)) { error in
            XCTAssertTrue(error is Ledger.AlternatesRefused, "\(error)")
        }
        try world.ledger.setDisabled(login: "inspector1", false, actor: "cli", commandLine: true)
        try world.confirmPending(of: try account("inspector1").id)
        try world.ledger.confirmReaderChange(change.id, by: try account("head").id, settingsFile: file)
        XCTAssertEqual(world.ledger.settings.alternates.intake, "inspector1")
        XCTAssertEqual(try Settings.load(json: Array(try Data(contentsOf: file))).alternates.intake, "inspector1", "a restart keeps it")
        XCTAssertNil(try world.ledger.pendingAlternates())
    }
}
