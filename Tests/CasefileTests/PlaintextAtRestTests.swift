import Casework
import Foundation
import SQLiteDB
import Vault
import XCTest
@testable import Casefile
import TestSupport

/// Issue 14, "no plaintext at rest": someone holding the database file (or its WAL, or a backup)
/// greps it for what the department entered on a reward, a same-matter link, a prior-knowledge
/// record and an identity request, and finds none of it. DESIGN.md's attacker table: "the
/// database file → counts, dates, statuses, categories; no … exclusions, no reward figures".
final class PlaintextAtRestTests: XCTestCase {
    var world: World!
    var head: (id: Int64, key: StaffPrivateKey)!

    // Distinctive figures: the loss in fen is above 2^32, so SQLite would store it in six bytes.
    let earlierLoss = Int64(6_123_456_789)
    let mainLoss = Int64(7_123_456_783)
    let amount = Int64(498_761)

    override func setUpWithError() throws {
        world = try World()
        try world.standardRoster()
        let account = try XCTUnwrap(try world.ledger.account(login: "head"))
        head = (account.id, try XCTUnwrap(try world.ledger.unlockKey(accountID: account.id, password: World.password)))
    }

    override func tearDown() { world = nil }

    /// Two substantiated, concluded reports: `earlier` arrived first; `main` is a real-name one.
    func twoConcludedCases() throws -> (earlier: Receipt, main: Receipt) {
        let earlier = try world.submit(Samples.draft(1))
        var draft = Samples.draft(2)
        draft.mode = .realName
        draft.identity = ReportDraft.Identity(name: "周报告", phone: "13800000000", otherContact: "")
        let main = try world.submit(draft)
        for receipt in [earlier, main] {
            try world.rewrite(receipt.caseRef, "UPDATE cases SET state = 'concluded', outcome = 'substantiated' WHERE ref = ?", [.text(receipt.caseRef)])
        }
        return (earlier, main)
    }

    func open(_ receipt: Receipt, _ action: CaseAction) throws -> StaffCase {
        guard case .granted(let c) = try world.ledger.staffCase(ref: receipt.caseRef, accountID: head.id, key: head.key, action: action) else {
            XCTFail("the head holds every case here")
            throw CocoaError(.featureUnsupported)
        }
        return c
    }

    /// `c` as an inspector holding it would act: requesting the identity needs that capacity.
    func asInspector(_ c: StaffCase) throws -> StaffCase {
        let inspector = try XCTUnwrap(try world.ledger.account(login: "inspector1"))
        return StaffCase(caseID: c.caseID, ref: c.ref, keys: c.keys, accountID: inspector.id, capacities: ["inspector"],
                         facts: c.facts, registerNumber: c.registerNumber, receivedOn: c.receivedOn, category: c.category,
                         channel: c.channel, realName: c.realName, confidential: c.confidential, legalHold: c.legalHold)
    }

    /// The database file and its WAL, as a copy of the data folder would hold them.
    func storedBytes() throws -> [UInt8] {
        let path = world.dataFolder.appendingPathComponent(Ledger.databaseName).path
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        if let wal = try? Data(contentsOf: URL(fileURLWithPath: path + "-wal")) { bytes += Array(wal) }
        return bytes
    }

    /// A figure as decimal text (an audit detail, a text column) and as SQLite stores an integer
    /// this large (six bytes, big-endian) or any integer (eight).
    func traces(_ value: Int64) -> [[UInt8]] {
        let be = withUnsafeBytes(of: value.bigEndian, Array.init)
        return [Array(String(value).utf8), be, Array(be.suffix(6))]
    }

    func assertNoTrace(_ needles: [(String, [UInt8])], _ when: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let bytes = try storedBytes()
        for (name, needle) in needles {
            XCTAssertFalse(bytes.contains(bytes: needle), "\(name) is in the database file or its WAL \(when)", file: file, line: line)
        }
    }

    func testNoRewardFigureLinkPriorRecordOrRequesterIsInTheFileOrItsWAL() throws {
        let (earlier, main) = try twoConcludedCases()
        let inspector = try XCTUnwrap(try world.ledger.account(login: "inspector1"))
        let mainCase = try open(main, .recordPriorKnowledge)
        try world.ledger.recordPriorKnowledge(mainCase, kind: .measuresTaken, what: "整改通知书", source: "PK-SOURCE-7411",
                                              sourceCase: earlier.registerNumber)
        try world.ledger.requestIdentity(try asInspector(mainCase), reason: "需要核实举报人身份")
        let request = try XCTUnwrap(try world.ledger.identityRequests(mainCase).first)
        try world.ledger.decideIdentityRequest(mainCase, requestID: request.id, grant: true, headKey: head.key)
        // The later report on the same matter is excluded: its reason names the earlier one.
        try world.ledger.assessReward(try open(main, .assessReward), verifiedLoss: Fen(mainLoss), sameMatter: [earlier.registerNumber])
        let earlierCase = try open(earlier, .assessReward)
        try world.ledger.assessReward(earlierCase, verifiedLoss: Fen(earlierLoss), sameMatter: [main.registerNumber])
        try world.ledger.proposeReward(try open(earlier, .proposeReward), amount: Fen(amount))

        // What the department entered reads back through the case key.
        let excluded = try XCTUnwrap(try world.ledger.reward(try open(main, .view)))
        XCTAssertEqual(excluded.verifiedLoss, Fen(mainLoss))
        XCTAssertTrue(excluded.exclusions.contains { $0.contains(earlier.registerNumber.description) })
        XCTAssertEqual(try world.ledger.reward(try open(earlier, .view))?.amount, Fen(amount))
        XCTAssertEqual(try world.ledger.sameMatterLinks(earlierCase), [main.registerNumber.description])
        let prior = try XCTUnwrap(try world.ledger.priorKnowledge(mainCase).first)
        XCTAssertEqual(prior.kind, .measuresTaken)
        XCTAssertEqual(prior.sourceCase, earlier.registerNumber.description)
        let decided = try XCTUnwrap(try world.ledger.identityRequests(mainCase).first)
        XCTAssertEqual(decided.accountID, inspector.id)
        XCTAssertEqual(decided.state, "granted")

        let needles = traces(mainLoss).map { ("the excluded report's loss", $0) } + traces(earlierLoss).map { ("the loss", $0) }
            + [("the amount", Array(String(amount).utf8)), ("the linked report's register number", Array(earlier.registerNumber.description.utf8)),
               ("the linking report's register number", Array(main.registerNumber.description.utf8)),
               ("the prior-knowledge source", Array("PK-SOURCE-7411".utf8))]
        // Before any checkpoint: the WAL holds every page written, and none holds a figure.
        try assertNoTrace(needles, "before a checkpoint")
        try world.ledger.pool.checkpoint()
        try assertNoTrace(needles, "after a checkpoint")
        let entries = try world.ledger.auditEntries(limit: 1000)
        XCTAssertFalse(entries.contains { $0.detail.contains(String(amount)) || $0.detail.contains(String(mainLoss)) }, "no amount in an audit detail")

        // What a reader of the tables sees: a state and a list of seats, nothing of who or how much.
        try world.ledger.pool.read { db in
            XCTAssertEqual(try db.scalar("SELECT count(*) FROM same_matter", as: Int.self), 0, "no plaintext pair of linked cases")
            XCTAssertEqual(try db.scalar("SELECT count(*) FROM prior_knowledge", as: Int.self), 0, "no plaintext prior-knowledge kind, day or source")
            XCTAssertEqual(try db.scalar("SELECT count(*) FROM identity_requests WHERE account_id IS NOT NULL OR decided_by IS NOT NULL", as: Int.self), 0,
                           "who asked and who decided are sealed")
            XCTAssertEqual(try db.scalar("SELECT count(*) FROM blobs WHERE kind LIKE 'identity_request%' AND author != 'staff'", as: Int.self), 0,
                           "nor does the sealed request's author column name them")
        }
    }

    func testAPurgeLeavesNoFigureOfTheRewardInTheFile() throws {
        let (earlier, main) = try twoConcludedCases()
        try world.ledger.assessReward(try open(main, .assessReward), verifiedLoss: Fen(mainLoss), sameMatter: [earlier.registerNumber])
        try world.ledger.assessReward(try open(earlier, .assessReward), verifiedLoss: Fen(earlierLoss), sameMatter: [])
        try world.ledger.proposeReward(try open(earlier, .proposeReward), amount: Fen(amount))
        let day = Int64(world.ledger.today.adding(days: -800).ordinal)
        try world.ledger.pool.write { db in
            try db.execute("UPDATE cases SET state = 'closed', closed_day = ? WHERE ref IN (?, ?)", [.integer(day), .text(earlier.caseRef), .text(main.caseRef)])
        }
        try world.ledger.purge(caseRef: main.caseRef, actor: "test")
        try world.ledger.purge(caseRef: earlier.caseRef, actor: "test")
        XCTAssertEqual(try world.ledger.pool.read { db in try db.scalar("SELECT count(*) FROM rewards", as: Int.self) }, 0, "a purge takes the reward too")
        try world.ledger.pool.checkpoint()
        // The earlier report's register number is in the audit log's purge entry, by design.
        try assertNoTrace(traces(mainLoss).map { ("a loss", $0) } + traces(earlierLoss).map { ("a loss", $0) }
                          + [("the amount", Array(String(amount).utf8))], "after the purge")
    }
}
