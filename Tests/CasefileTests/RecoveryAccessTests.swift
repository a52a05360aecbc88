import Casework
import Foundation
import SQLiteDB
import Vault
import XCTest
@testable import Casefile
import TestSupport

final class RecoveryAccessTests: XCTestCase {
    var world: World!

    override func setUpWithError() throws {
        world = try World()
        try world.standardRoster()
    }

    override func tearDown() { world = nil }

    func submit(accused: [AccusedPerson] = [AccusedPerson(name: "外部人员", post: "包工头")]) throws -> Receipt {
        var draft = ReportDraft(category: "bribery", narrative: "RECOVERY-NARRATIVE", accused: accused)
        draft.mode = .realName
        draft.identity = .init(name: "实名举报人-RECOVERY", phone: "13900001111", otherContact: "")
        return try world.submit(draft)
    }

    func unlock(_ login: String) throws -> StaffUnlock {
        guard case .success(let u) = try world.ledger.login(login, password: World.password, totpCode: "") else {
            throw NSError(domain: "login", code: 1)
        }
        return u
    }

    func testRecoveryKeyRestoresEveryAssignedCaseWithTheIdentity() throws {
        let a = try submit(), b = try submit()
        try world.ledger.resetPassword(login: "head", newPassword: World.password, actor: "test")
        // Issue 13: the reset key holds nothing until a second reader confirms the reset.
        try world.confirmPending(of: try XCTUnwrap(try world.ledger.account(login: "head")).id)
        let outcomes = try world.ledger.recoverAccess(recoveryKey: RecoveryPrivateKey(world.recoveryKey), to: "head", caseRefs: nil)
        XCTAssertEqual(outcomes.map(\.ref), [a.caseRef, b.caseRef])
        XCTAssertEqual(outcomes.map(\.result), [.restored(identity: true), .restored(identity: true)])
        XCTAssertEqual(outcomes.first?.registerNumber, a.registerNumber)
        let head = try unlock("head")
        guard case .granted(let c) = try world.ledger.staffCase(ref: a.caseRef, accountID: head.account.id, key: head.key, action: .view) else {
            return XCTFail("recovered: the case opens")
        }
        XCTAssertEqual(try world.ledger.readIdentity(c, key: head.key)?.name, "实名举报人-RECOVERY")
        XCTAssertEqual(try world.ledger.recoverAccess(recoveryKey: RecoveryPrivateKey(world.recoveryKey), to: "head", caseRefs: [a.caseRef]).map(\.result),
                       [.alreadyHeld])
        let audited = try world.ledger.pool.read { db in
            try db.query("SELECT actor, case_ref FROM audit_log WHERE action = 'recovery_regrant' ORDER BY id").map {
                "\(try $0.string("actor") ?? "") \(try $0.string("case_ref") ?? "")"
            }
        }
        XCTAssertEqual(audited, ["cli:recover \(a.caseRef)", "cli:recover \(b.caseRef)"])
    }

    func testAWrongRecoveryKeyIsRefusedWithAClearMessage() throws {
        _ = try submit()
        XCTAssertThrowsError(try world.ledger.recoverAccess(recoveryKey: RecoveryPrivateKey(try X25519PrivateKey()), to: "head", caseRefs: nil)) { error in
            XCTAssertTrue("\(error)".contains("does not belong to this installation"), "\(error)")
        }
    }

    func testNoAssignmentAndExclusionAreRefused() throws {
        let receipt = try submit(accused: [AccusedPerson(name: "李娜", post: "调查人员")])
        XCTAssertEqual(try world.ledger.recoverAccess(recoveryKey: RecoveryPrivateKey(world.recoveryKey), to: "inspector2", caseRefs: [receipt.caseRef]).map(\.result),
                       [.notAssigned])
        let accused = try XCTUnwrap(try world.ledger.account(login: "inspector1"))
        // Sealed like the ledger's own rows (a plain SQL insert is refused sooner: CaseSealTests).
        try world.rewrite(receipt.caseRef, "INSERT INTO assignments(case_id, account_id, capacity) SELECT id, ?, 'inspector' FROM cases WHERE ref = ?",
                          [.integer(accused.id), .text(receipt.caseRef)])
        XCTAssertEqual(try world.ledger.recoverAccess(recoveryKey: RecoveryPrivateKey(world.recoveryKey), to: "inspector1", caseRefs: nil).map(\.result),
                       [.excluded], "even with an assignment, the sealed exclusions decide (art. 10)")
        let grants = try world.ledger.pool.read { db in
            try db.scalar("SELECT count(*) FROM grants WHERE holder = ?", [.text("account:\(accused.id)")], as: Int.self) ?? 0
        }
        XCTAssertEqual(grants, 0)
        XCTAssertThrowsError(try world.ledger.recoverAccess(recoveryKey: RecoveryPrivateKey(world.recoveryKey), to: "head", caseRefs: ["0000"])) { error in
            XCTAssertTrue("\(error)".contains("no case with the reference 0000"))
        }
    }

    /// The console counts cases no one holds from a list triggers keep (issue 16): a case that
    /// nobody could take in is counted, leaves the count once recovered to a head, and a database
    /// writer who deletes it from the list hides it from the console only: `candor check` says so.
    func testAnUnheldCaseIsCountedUntilRecoveredAndHidingItFailsTheCheck() throws {
        world.settings = .default
        try world.reopen()
        let ids = try ["head", "chairman", "secretary"].map { try XCTUnwrap(try world.ledger.account(login: $0)).id }
        var draft = ReportDraft(category: "bribery", narrative: "UNHELD", accused: [AccusedPerson(name: "外部人员", post: "包工头")])
        draft.excludedHandlers = Set(ids)
        _ = try world.submit(draft)
        _ = try submit()
        XCTAssertEqual(try world.ledger.unheldCaseCount(), 1)
        XCTAssertEqual(try world.ledger.selfChecks().first { $0.name == "unheld_list" }?.status, .ok)

        try world.ledger.pool.write { db in try db.execute("DELETE FROM unheld_candidates") }
        XCTAssertEqual(try world.ledger.unheldCaseCount(), 0, "hidden from the console's count")
        let check = try XCTUnwrap(try world.ledger.selfChecks().first { $0.name == "unheld_list" })
        XCTAssertEqual(check.status, .fail, "but not from the check, which reads every case")
        XCTAssertTrue(check.detail.contains("recover"), check.detail)

        let inspector = try XCTUnwrap(try world.ledger.account(login: "inspector1"))
        try world.ledger.pool.write { db in try db.execute("INSERT INTO unheld_candidates SELECT id FROM cases") }
        XCTAssertEqual(try world.ledger.unheldCaseCount(), 1, "a held case on the list is not counted: each candidate is checked")
        // A reader taken off the only case it holds puts the case back on the list.
        try world.ledger.pool.write { db in
            try db.execute("DELETE FROM unheld_candidates")
            try db.execute("INSERT INTO assignments(case_id, account_id, capacity) SELECT id, ?, 'inspector' FROM cases WHERE id = (SELECT max(id) FROM cases)",
                           [.integer(inspector.id)])
            try db.execute("DELETE FROM assignments WHERE account_id = ?", [.integer(inspector.id)])
        }
        XCTAssertEqual(try world.ledger.pool.read { db in try db.scalar("SELECT count(*) FROM unheld_candidates", as: Int.self) }, 0,
                       "the case still has its head: not a candidate")
    }

    /// The inbox's "every case" count reads `holder_grants`, kept by triggers through grants made,
    /// withdrawn and cascaded; an edit there is named by `candor check`.
    func testGrantCountsFollowTheGrantsAndAnEditFailsTheCheck() throws {
        let first = try submit()
        _ = try submit()
        func counts() throws -> [String: Int] {
            try world.ledger.pool.read { db in
                Dictionary(uniqueKeysWithValues: try db.query("SELECT holder, n FROM holder_grants").map {
                    (try $0.required(String.self, "holder", table: "holder_grants"), try $0.required(Int.self, "n", table: "holder_grants"))
                })
            }
        }
        func fresh() throws -> [String: Int] {
            try world.ledger.pool.read { db in
                Dictionary(uniqueKeysWithValues: try db.query("SELECT holder, count(*) AS n FROM grants GROUP BY holder").map {
                    (try $0.required(String.self, "holder", table: "grants"), try $0.required(Int.self, "n", table: "grants"))
                })
            }
        }
        let head = try XCTUnwrap(try world.ledger.account(login: "head"))
        XCTAssertEqual(try counts()[Holder.account(head.id)], 2)
        XCTAssertEqual(try counts(), try fresh())
        try world.ledger.pool.write { db in
            try db.execute("DELETE FROM grants WHERE holder = 'reporter' AND case_id = (SELECT id FROM cases WHERE ref = ?)", [.text(first.caseRef)])
        }
        XCTAssertEqual(try counts().filter { $0.value > 0 }, try fresh())
        XCTAssertEqual(try world.ledger.selfChecks().first { $0.name == "holder_grants" }?.status, .ok)
        try world.ledger.pool.write { db in try db.execute("UPDATE holder_grants SET n = n + 5") }
        XCTAssertEqual(try world.ledger.selfChecks().first { $0.name == "holder_grants" }?.status, .fail)
    }
}

