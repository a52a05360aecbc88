import Casework
import Foundation
import Vault
import XCTest
@testable import Casefile
import SQLiteDB
import TestSupport

final class CaseStatisticsTests: XCTestCase {
    /// Counted by SQLite, the figures are the ones `Statistics` computes case by case: months,
    /// tallies, medians and every deadline share, closed cases' stopped clocks included.
    func testTheFiguresCountedInSQLEqualTheOnesCountedCaseByCase() throws {
        let clock = TestClock()
        var settings = World.standardSettings
        settings.trackingCodeCost = TrackingCodeCost(logN: 10)
        let world = try World(settings: settings, clock: { clock.now.withLock { $0 } })
        try world.standardRoster()
        guard case .success(let head) = try world.ledger.login("head", password: World.password, totpCode: "") else {
            return XCTFail("the head signs in")
        }
        for n in 0..<24 {
            var draft = Samples.draft(n)
            if n % 3 == 0 { draft.mode = .realName; draft.identity = .init(name: "实名\(n)", phone: "13800000000", otherContact: "") }
            let receipt = try world.submit(draft)
            clock.advance(days: n % 5 * 4)
            guard n % 2 == 0, case .granted(let c) = try world.ledger.staffCase(ref: receipt.caseRef, accountID: head.account.id,
                                                                               key: head.key, action: .register) else { continue }
            try world.ledger.register(c, category: nil, message: n % 4 == 0 ? "已登记" : nil)
            clock.advance(days: 40)
            if n % 8 == 0, case .granted(let again) = try world.ledger.staffCase(ref: receipt.caseRef, accountID: head.account.id,
                                                                                 key: head.key, action: .markNotActionable) {
                try world.ledger.markNotActionable(again, message: "不属于受理范围")
            }
        }
        clock.advance(days: 30)
        let s = world.ledger.settings
        for heldBy in [nil, head.account.id] {
            let caseByCase = Statistics(try world.ledger.statisticsCases(year: nil, heldBy: heldBy), rules: s.deadlines,
                                        calendar: s.calendar, today: world.ledger.today)
            let counted = try world.ledger.statistics(year: nil, heldBy: heldBy)
            XCTAssertEqual(counted, caseByCase)
            XCTAssertGreaterThan(counted.deadlinesOverall.decided, 0, "the run has deadlines met, late and missed")
        }
        let empty = try world.ledger.statistics(year: 1999)
        XCTAssertEqual(empty.total, 0)
        XCTAssertEqual(empty, Statistics([], rules: s.deadlines, calendar: s.calendar, today: world.ledger.today))
    }

    /// Random cases moved by the head's real actions, then random plaintext columns (every state,
    /// outcome, missing and late days, another register year, a category the settings no longer
    /// name) and a head kept out of some cases: every figure, of every case and of each scope and
    /// year, is still the one `Statistics` computes case by case.
    func testRandomCasesAndActionsGiveTheReferenceFigures() throws {
        let clock = TestClock()
        var settings = World.standardSettings
        settings.trackingCodeCost = TrackingCodeCost(logN: 10)
        let world = try World(settings: settings, clock: { clock.now.withLock { $0 } })
        try world.standardRoster()
        guard case .success(let head) = try world.ledger.login("head", password: World.password, totpCode: "") else {
            return XCTFail("the head signs in")
        }
        var dice = Dice(state: 16)
        var refs: [String] = []
        for n in 0..<48 {
            var draft = Samples.draft(n)
            if Bool.random(using: &dice) { draft.mode = .realName; draft.identity = .init(name: "实名\(n)", phone: "13800000000", otherContact: "") }
            refs.append(try world.submit(draft).caseRef)
            clock.advance(days: Int.random(in: 0...12, using: &dice))
            try act(world, head, refs.randomElement(using: &dice)!, &dice)
            if n % 3 == 0 { try act(world, head, refs.randomElement(using: &dice)!, &dice) }
        }
        clock.advance(days: 100)
        let chairman = try XCTUnwrap(try world.ledger.pool.read { db in
            try db.scalar("SELECT id FROM accounts WHERE login = 'chairman'", as: Int64.self)
        })
        let scope = { (account: Int64) in try world.ledger.pool.read { db in try Ledger.statisticsScope(db, account) } }
        let (headHolder, chairmanHolder) = ("account:\(head.account.id)", "account:\(chairman)")
        XCTAssertEqual(try scope(head.account.id), .every, "the head's figures come from the tallies")
        XCTAssertEqual(try scope(chairman), .own(holder: chairmanHolder), "the chairman's own cases are counted")
        try assertFigures(world, heldBy: [nil, head.account.id, chairman])
        try scramble(world, &dice)
        try assertFigures(world, heldBy: [nil, head.account.id, chairman])
        // The head kept out of a few cases, then out of the oldest ones too (its first months and
        // perhaps a year go): the tallies less the cases it does not hold.
        for keptOut in ["case_id % 7 = 3", "case_id IN (SELECT id FROM cases ORDER BY received_day LIMIT 6)"] {
            try world.ledger.pool.write { db in try db.execute("DELETE FROM grants WHERE holder = ? AND \(keptOut)", [.text(headHolder)]) }
            XCTAssertEqual(try scope(head.account.id), .allBut(holder: headHolder), "the tallies less the cases kept from the head")
            try assertFigures(world, heldBy: [head.account.id])
        }
    }

    /// One of the head's real actions on a case, where the workflow allows it.
    func act(_ world: World, _ head: StaffUnlock, _ ref: String, _ dice: inout Dice) throws {
        let ledger: Ledger = world.ledger
        let action = [CaseAction.register, .markNotActionable, .messageReporter, .propose].randomElement(using: &dice)!
        guard case .granted(let c) = try ledger.staffCase(ref: ref, accountID: head.account.id, key: head.key, action: action) else { return }
        switch action {
        case .register: try ledger.register(c, category: nil, message: Bool.random(using: &dice) ? "已登记" : nil)
        case .markNotActionable: try ledger.markNotActionable(c, message: "不属于受理范围")
        case .messageReporter: try ledger.messageReporter(c, text: "正在核实中。", feedback: Bool.random(using: &dice))
        default: try ledger.propose(c, summary: "建议初步核实。")
        }
    }

    /// Plaintext columns set at random, as a long life of cases leaves them.
    func scramble(_ world: World, _ dice: inout Dice) throws {
        let rows = try world.ledger.pool.read { db in try db.query("SELECT id, received_day FROM cases") }
        var updates: [[SQLValue]] = []
        for row in rows where Int.random(in: 0..<3, using: &dice) > 0 {
            let received = try XCTUnwrap(row.int("received_day"))
            // Days on and around each due day, where met on time turns late and pending overdue.
            let s = world.ledger.settings
            let dues = DeadlineClock.evaluate(DeadlineFacts(receivedOn: Day(ordinal: received), realName: true), rules: s.deadlines,
                                              calendar: s.calendar, today: Day(ordinal: received)).map(\.due.ordinal)
            let near = dues.flatMap { [$0 - 1, $0, $0 + 1] }
            func day() -> SQLValue {
                switch Int.random(in: 0..<3, using: &dice) {
                case 0: .null
                case 1: .integer(Int64(near.randomElement(using: &dice)!))
                default: .integer(Int64(received + Int.random(in: 0...120, using: &dice)))
                }
            }
            let outcome: SQLValue = Bool.random(using: &dice) ? .null : .text(Outcome.allCases.randomElement(using: &dice)!.rawValue)
            // Half closed, their clocks stopped on and around a due day.
            let state = Bool.random(using: &dice) ? CaseState.allCases.filter(\.isClosed).randomElement(using: &dice)!
                                                  : CaseState.allCases.randomElement(using: &dice)!
            let closedDay: SQLValue = Bool.random(using: &dice) ? .integer(Int64(near.randomElement(using: &dice)!)) : day()
            updates.append([.text(state.rawValue), outcome, day(), day(), day(), closedDay,
                            .integer(Int64.random(in: 0...1, using: &dice)), .integer(Int64.random(in: 0...1, using: &dice)),
                            .text(["private_contracting", "bribery", "old_category"].randomElement(using: &dice)!), try row.value(at: 0)])
        }
        try world.ledger.pool.write { [updates] db in
            for arguments in updates {
                try db.execute("""
                    UPDATE cases SET state = ?, outcome = ?, registered_day = ?, acceptance_notice_day = ?, feedback_day = ?, closed_day = ?,
                      real_name = ?, register_year = register_year - ?, category = ? WHERE id = ?
                    """, arguments)
            }
        }
    }

    func assertFigures(_ world: World, heldBy accounts: [Int64?], file: StaticString = #filePath, line: UInt = #line) throws {
        let s = world.ledger.settings
        for heldBy in accounts {
            let years = try world.ledger.registerYears(heldBy: heldBy)
            XCTAssertEqual(try world.ledger.statisticsWithYears(year: nil, heldBy: heldBy).years, years, file: file, line: line)
            for year in [nil] + years.map(Optional.some) + [1999] {
                let reference = Statistics(try world.ledger.statisticsCases(year: year, heldBy: heldBy), rules: s.deadlines,
                                           calendar: s.calendar, today: world.ledger.today)
                XCTAssertEqual(try world.ledger.statistics(year: year, heldBy: heldBy), reference, "year \(year.map(String.init) ?? "all")",
                               file: file, line: line)
            }
        }
        let all = try world.ledger.statistics(year: nil)
        XCTAssertGreaterThan(all.deadlinesOverall.metLate, 0, file: file, line: line)
        XCTAssertGreaterThan(all.deadlinesOverall.overdue, 0, file: file, line: line)
    }
}

/// A fixed sequence of random numbers (SplitMix64), so a failure can be run again.
struct Dice: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
