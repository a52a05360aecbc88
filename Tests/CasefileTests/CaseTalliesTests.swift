import Casework
import Foundation
import SQLiteDB
import XCTest
@testable import Casefile
import TestSupport

final class CaseTalliesTests: XCTestCase {
    var clock: TestClock!
    var world: World!

    override func setUpWithError() throws {
        clock = TestClock()
        var settings = World.standardSettings
        settings.trackingCodeCost = TrackingCodeCost(logN: 10)
        world = try World(settings: settings, clock: { [clock] in clock!.now.withLock { $0 } })
        try world.standardRoster()
    }

    /// The tallies (rows at zero left out) and the count of every case afresh.
    func tallies() throws -> (kept: [Row], fresh: [Row]) {
        try world.ledger.pool.read { db in
            let kept = try db.query("""
                SELECT year, figure, a, b, c, d, n FROM case_tallies WHERE n <> 0 ORDER BY year, figure, a, b, c, d
                """)
            let fresh = try db.query("SELECT * FROM (\(CaseTallies.freshCount)) ORDER BY year, figure, a, b, c, d")
            return (kept, fresh)
        }
    }

    func assertFresh(_ step: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let (kept, fresh) = try tallies()
        XCTAssertEqual(kept.map(\.values), fresh.map(\.values), step, file: file, line: line)
        let grants = try world.ledger.pool.read { db in
            (try db.query("SELECT holder, n FROM holder_grants WHERE n <> 0 ORDER BY holder"),
             try db.query("SELECT * FROM (\(CaseTallies.freshGrants)) ORDER BY holder"))
        }
        XCTAssertEqual(grants.0.map(\.values), grants.1.map(\.values), "grants: \(step)", file: file, line: line)
        XCTAssertFalse(kept.isEmpty && step != "none", step, file: file, line: line)
    }

    func sql(_ statement: String, _ arguments: [SQLValue] = []) throws {
        try world.ledger.pool.write { db in try db.execute(statement, arguments) }
    }

    /// Every kind of write to `cases` and `grants`: the intake's inserts, the head's checked
    /// writes (a proposal grants the leaders), a grant deleted, moved and rewritten, an update of
    /// each counted column (to another value and to NULL), one of a column no figure reads, many
    /// rows at once, an insert and a delete by plain SQL (the grants go with the case): after
    /// each, the tallies and the holders' grant counts equal a fresh count.
    func testTheTalliesEqualAFreshCountAfterEveryKindOfWrite() throws {
        try assertFresh("none")
        guard case .success(let head) = try world.ledger.login("head", password: World.password, totpCode: "") else {
            return XCTFail("the head signs in")
        }
        var refs: [String] = []
        for n in 0..<6 {
            var draft = Samples.draft(n)
            if n % 2 == 0 { draft.mode = .realName; draft.identity = .init(name: "实名\(n)", phone: "13800000000", otherContact: "") }
            refs.append(try world.submit(draft).caseRef)
            clock.advance(days: 3)
        }
        try assertFresh("intake")
        for (i, ref) in refs.enumerated() {
            guard case .granted(let c) = try world.ledger.staffCase(ref: ref, accountID: head.account.id, key: head.key, action: .register) else {
                return XCTFail("the head registers \(ref)")
            }
            try world.ledger.register(c, category: nil, message: i % 2 == 0 ? "已登记" : nil)
            clock.advance(days: 20)
            if i % 3 == 0, case .granted(let again) = try world.ledger.staffCase(ref: ref, accountID: head.account.id, key: head.key,
                                                                                 action: .markNotActionable) {
                try world.ledger.markNotActionable(again, message: "不属于受理范围")
            } else if i % 3 == 1, case .granted(let again) = try world.ledger.staffCase(ref: ref, accountID: head.account.id, key: head.key,
                                                                                        action: .propose) {
                try world.ledger.propose(again, summary: "建议初步核实。")
            }
        }
        try assertFresh("register, not actionable, proposed (the leaders' grants)")
        try sql("DELETE FROM grants WHERE holder = 'account:1' AND case_id = 3")
        try assertFresh("a grant deleted")
        try sql("UPDATE grants SET holder = 'account:2' WHERE holder = 'recovery' AND case_id = 4")
        try assertFresh("a grant moved to another holder")
        try sql("UPDATE grants SET sealed_key = sealed_key WHERE case_id = 5")
        try assertFresh("a grant rewritten")
        let changes: [(String, SQLValue)] = [
            ("register_year", 2031), ("received_day", .integer(Int64(world.ledger.today.ordinal - 400))), ("state", "concluded"),
            ("category", "old_category"), ("channel", "letter"), ("real_name", 1), ("real_name", 0), ("outcome", "substantiated"),
            ("registered_day", .integer(Int64(world.ledger.today.ordinal))), ("acceptance_notice_day", .integer(Int64(world.ledger.today.ordinal))),
            ("feedback_day", .integer(Int64(world.ledger.today.ordinal))), ("closed_day", .integer(Int64(world.ledger.today.ordinal))),
        ]
        for (i, (column, value)) in changes.enumerated() {
            try sql("UPDATE cases SET \(column) = ? WHERE id = ?", [value, .integer(Int64(i % 6 + 1))])
            try assertFresh("\(column) set")
        }
        for column in ["outcome", "registered_day", "acceptance_notice_day", "feedback_day", "closed_day"] {
            try sql("UPDATE cases SET \(column) = NULL WHERE id % 2 = 0")
            try assertFresh("\(column) emptied")
        }
        try sql("UPDATE cases SET legal_hold = 1 - legal_hold, next_due_day = NULL")
        try assertFresh("columns no figure reads")
        try sql("UPDATE cases SET state = 'closed', closed_day = received_day + 30, register_year = register_year + 1")
        try assertFresh("every row at once")
        try sql("""
            INSERT INTO cases(ref, register_year, register_seq, channel, category, state, real_name, confidential, received_day)
            VALUES ('tally-test', 2026, 999, 'visit', 'bribery', 'submitted', 1, 0, ?)
            """, [.integer(Int64(world.ledger.today.ordinal))])
        try assertFresh("insert by SQL")
        try sql("DELETE FROM cases WHERE id IN (2, (SELECT max(id) FROM cases))")
        try assertFresh("delete")
        XCTAssertGreaterThan(try world.ledger.pool.read { db in try db.scalar("SELECT count(*) FROM case_tallies WHERE n = 0", as: Int.self) } ?? 0, 0,
                             "rows that dropped to zero stay, and the readers skip them")
    }

    /// The migration counts the cases and grants already there: its tables, triggers and index
    /// dropped, cases and grants written without them, its SQL run again gives the fresh counts.
    func testTheMigrationCountsTheCasesAlreadyThere() throws {
        for n in 0..<4 { _ = try world.submit(Samples.draft(n)) }
        for name in ["case_tallies_insert", "case_tallies_update", "case_tallies_delete"] { try sql("DROP TRIGGER \(name)") }
        try sql("DROP TABLE case_tallies")
        try sql("DROP INDEX cases_ids")
        for name in ["holder_grants_insert", "holder_grants_update", "holder_grants_delete"] { try sql("DROP TRIGGER \(name)") }
        try sql("DROP TABLE holder_grants")
        try sql("UPDATE cases SET registered_day = received_day + id, state = 'registered' WHERE id % 2 = 1")
        try sql("DELETE FROM grants WHERE case_id = 2 AND holder = 'recovery'")
        try world.ledger.pool.write { db in try db.execute(CaseTallies.migration) }
        try assertFresh("migrated")
        let (kept, _) = try tallies()
        XCTAssertEqual(kept.filter { $0.values[1] == "day" }.compactMap { try? $0.int("n") }.reduce(0, +), 4)
    }

    /// A tally edited by a database writer changes the figures shown, and nothing else: the
    /// statistics are read from it, nothing reads a case through it.
    func testTheStatisticsAreReadFromTheTallies() throws {
        _ = try world.submit(Samples.draft(0))
        XCTAssertEqual(try world.ledger.statistics(year: nil).total, 1)
        try sql("UPDATE case_tallies SET n = n + 4 WHERE figure = 'day'")
        XCTAssertEqual(try world.ledger.statistics(year: nil).total, 5)
        XCTAssertEqual(try world.ledger.statisticsCases(year: nil).count, 1)
    }
}
