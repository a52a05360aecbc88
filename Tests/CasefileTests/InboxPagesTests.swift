import Casework
import Foundation
import Synchronization
import Vault
import XCTest
@testable import Casefile
import TestSupport

/// A clock the test moves: reports received on different days.
final class TestClock: Sendable {
    let now = Mutex<Int64>(1_800_000_000)
    func advance(days: Int) { now.withLock { $0 += Int64(days) * 86_400 } }
}

final class InboxPagesTests: XCTestCase {
    var world: World!
    let clock = TestClock()

    override func setUpWithError() throws {
        let clock = self.clock
        var settings = World.standardSettings
        // The tracking code's scrypt at test cost: the console never derives it.
        settings.trackingCodeCost = TrackingCodeCost(logN: 10)
        world = try World(settings: settings, clock: { clock.now.withLock { $0 } })
        try world.standardRoster()
    }

    override func tearDown() { world = nil }

    func submit(_ n: Int, realName: Bool = false) throws -> Receipt {
        var draft = Samples.draft(n)
        if realName { draft.mode = .realName; draft.identity = ReportDraft.Identity(name: "实名\(n)", phone: "1380000\(n)", otherContact: "") }
        return try world.submit(draft)
    }

    func head() throws -> (Int64, StaffPrivateKey) {
        guard case .success(let u) = try world.ledger.login("head", password: World.password, totpCode: "") else {
            throw NSError(domain: "login", code: 1)
        }
        return (u.account.id, u.key)
    }

    /// Issue 16's correctness bug: the inbox and deadlines read only the newest 500 cases, so the
    /// oldest, overdue one dropped off both.
    func testTheOldestOfSixHundredCasesIsOverdueAndShownInTheInboxAndOnTheDeadlinesPage() throws {
        let oldest = try submit(0)
        clock.advance(days: 60)
        for n in 1..<600 { _ = try submit(n) }
        let (headID, _) = try head()
        XCTAssertEqual(try world.ledger.inbox(accountID: headID).count, 600, "every held case, none cut off")
        let overdue = try world.ledger.inboxPage(accountID: headID, InboxQuery(section: .overdue))
        XCTAssertEqual(overdue.entries.map(\.ref), [oldest.caseRef])
        XCTAssertEqual(overdue.counts[.overdue]?.n, 1)
        XCTAssertEqual(overdue.counts[.all]?.n, 600)
        XCTAssertEqual(overdue.counts[.new]?.n, 600)
        let week = try world.ledger.dueCases(accountID: headID, through: world.ledger.today.adding(days: 7))
        XCTAssertEqual(week.total, 600, "the others are to be registered within the week")
        XCTAssertEqual(week.entries.count, Ledger.duePageSize, "a page at a time")
        XCTAssertEqual(week.entries.first?.ref, oldest.caseRef, "the overdue case leads the deadlines page")
        XCTAssertEqual(week.entries.first?.deadlines.first?.state, .overdue)
        var listed = Set<String>()
        for page in 1...6 { listed.formUnion(try world.ledger.dueCases(accountID: headID, through: world.ledger.today.adding(days: 7), page: page).entries.map(\.ref)) }
        XCTAssertEqual(listed.count, 600, "the six pages list every case once")
        let today = try world.ledger.dueCases(accountID: headID, through: world.ledger.today)
        XCTAssertEqual(today.entries.map(\.ref), [oldest.caseRef], "due by today: only the overdue one")
        let byDue = try world.ledger.inboxPage(accountID: headID, InboxQuery(sort: .due))
        XCTAssertEqual(byDue.entries.first?.ref, oldest.caseRef, "sorted by due day, the overdue case comes first")
        let byReceived = try world.ledger.inboxPage(accountID: headID, InboxQuery(page: 12))
        XCTAssertEqual(byReceived.pageCount, 12)
        XCTAssertEqual(byReceived.entries.last?.ref, oldest.caseRef, "received order: the oldest is the last of the last page")
        XCTAssertFalse(byReceived.hasNext)
        XCTAssertTrue(byReceived.hasPrevious)
    }

    func testPagesAreDisjointAndCoverEveryCaseOnce() throws {
        for n in 0..<120 { _ = try submit(n) }
        let (headID, _) = try head()
        var seen: [String] = []
        var query = InboxQuery()
        while true {
            let page = try world.ledger.inboxPage(accountID: headID, query)
            XCTAssertLessThanOrEqual(page.entries.count, InboxQuery.pageSize)
            seen += page.entries.map(\.ref)
            guard page.hasNext else { break }
            query.page += 1
        }
        XCTAssertEqual(seen.count, 120)
        XCTAssertEqual(Set(seen).count, 120)
    }

    func testFiltersNarrowTheListAndItsCounts() throws {
        let named = try submit(1, realName: true)
        _ = try submit(2)
        let (headID, headKey) = try head()
        guard case .granted(let c) = try world.ledger.staffCase(ref: named.caseRef, accountID: headID, key: headKey, action: .register) else {
            return XCTFail("the head holds it")
        }
        try world.ledger.register(c, category: nil, message: nil)
        let realName = try world.ledger.inboxPage(accountID: headID, InboxQuery(realName: true))
        XCTAssertEqual(realName.entries.map(\.ref), [named.caseRef])
        XCTAssertEqual(realName.counts[.new]?.n, 0, "counts obey the filters: the real-name case is registered")
        XCTAssertEqual(try world.ledger.inboxPage(accountID: headID, InboxQuery(state: .registered)).entries.map(\.ref), [named.caseRef])
        XCTAssertEqual(try world.ledger.inboxPage(accountID: headID, InboxQuery(state: .submitted)).total.n, 1)
        XCTAssertEqual(try world.ledger.inboxPage(accountID: headID, InboxQuery(channel: "letter")).total.n, 0)
        XCTAssertEqual(try world.ledger.inboxPage(accountID: headID, InboxQuery(legalHold: true)).total.n, 0)
        XCTAssertEqual(try world.ledger.inboxPage(accountID: headID, InboxQuery(year: 1999)).total.n, 0)
        XCTAssertEqual(try world.ledger.inboxPage(accountID: headID, InboxQuery(deadline: .onTime)).total.n, 2)
        XCTAssertEqual(try world.ledger.inboxPage(accountID: headID, InboxQuery(category: "private_contracting")).total.n, 2)
    }

    func testARegisterNumberJumpsOnlyToACaseTheAccountHolds() throws {
        let receipt = try submit(1)
        let (headID, _) = try head()
        let number = receipt.registerNumber.description
        XCTAssertEqual(try world.ledger.caseRef(register: " \(number) ", accountID: headID), receipt.caseRef)
        let inspector = try XCTUnwrap(try world.ledger.account(login: "inspector1"))
        XCTAssertNil(try world.ledger.caseRef(register: number, accountID: inspector.id), "a case it does not hold is not found")
        let bare = "\(receipt.registerNumber.year)-\(receipt.registerNumber.sequence)"
        XCTAssertEqual(try world.ledger.caseRef(register: bare, accountID: headID), receipt.caseRef, "typed without JB- and zeros")
        XCTAssertNil(try world.ledger.caseRef(register: "JB-1999-000001", accountID: headID))
        XCTAssertNil(try world.ledger.caseRef(register: "not a number", accountID: headID))
    }

    /// Past the cap a count is "more than", so no page counts every case a person holds; the
    /// unfiltered count of every case held stays exact (the holder's grants, along an index).
    func testCountsStopAtTheCapAndSaySoExceptTheWholeInbox() throws {
        for n in 0..<8 { _ = try submit(n) }
        let (headID, _) = try head()
        let page = try world.ledger.inboxPage(accountID: headID, InboxQuery(), countCap: 5)
        XCTAssertEqual(page.counts[.new], InboxPage.Count(n: 5, capped: true))
        XCTAssertEqual(page.counts[.new]?.description, "5+")
        XCTAssertEqual(page.counts[.all], InboxPage.Count(n: 8, capped: false), "the whole inbox is counted exactly")
        XCTAssertEqual(page.counts[.overdue], InboxPage.Count(n: 0, capped: false))
        let filtered = try world.ledger.inboxPage(accountID: headID, InboxQuery(state: .submitted), countCap: 5)
        XCTAssertEqual(filtered.total, InboxPage.Count(n: 5, capped: true), "a filtered count stops at the cap")
        XCTAssertEqual(filtered.entries.count, 8, "the page still lists every case it holds")
        XCTAssertEqual(filtered.pageCountText, "1+")
        XCTAssertEqual(try world.ledger.inboxPage(accountID: headID, InboxQuery(state: .submitted), countCap: 8).total,
                       InboxPage.Count(n: 8, capped: false))
    }

    /// Sorted by due day the list is read in two parts (dated cases by due day, then the rest
    /// newest first); paging across where one ends and the other begins loses and repeats none.
    func testSortedByDuePagesCrossFromDatedToUndatedCasesOnce() throws {
        var refs: [String] = []
        for n in 0..<70 { refs.append(try submit(n).caseRef); clock.advance(days: 1) }
        let (headID, headKey) = try head()
        for ref in refs.prefix(30) {
            for action in [CaseAction.register, .markNotActionable] {
                guard case .granted(let c) = try world.ledger.staffCase(ref: ref, accountID: headID, key: headKey, action: action) else {
                    return XCTFail("the head may \(action)")
                }
                try action == .register ? world.ledger.register(c, category: nil, message: nil) : world.ledger.markNotActionable(c, message: "不予受理。")
            }
        }
        var seen: [InboxEntry] = []
        var query = InboxQuery(sort: .due)
        while true {
            let page = try world.ledger.inboxPage(accountID: headID, query)
            seen += page.entries
            guard page.hasNext else { break }
            query.page += 1
        }
        XCTAssertEqual(seen.count, 70)
        XCTAssertEqual(Set(seen.map(\.ref)), Set(refs))
        let dated = seen.prefix { $0.nextDue != nil }
        XCTAssertEqual(dated.count, 40, "the open cases first")
        XCTAssertEqual(dated.map { $0.nextDue! }, dated.map { $0.nextDue! }.sorted(), "earliest due first")
        XCTAssertEqual(seen.dropFirst(40).map(\.ref), refs.prefix(30).reversed(), "then the closed ones, newest first")
    }

    /// Counts are kept while the database stays as it was, and counted again after any commit:
    /// a new case shows in the next page's counts, an edit behind the cache's back too.
    func testKeptCountsFollowEveryCommit() throws {
        _ = try submit(1)
        let (headID, _) = try head()
        XCTAssertEqual(try world.ledger.inboxPage(accountID: headID, InboxQuery()).counts[.new]?.n, 1)
        XCTAssertEqual(try world.ledger.inboxPage(accountID: headID, InboxQuery(page: 2)).counts[.new]?.n, 1, "kept")
        _ = try submit(2)
        XCTAssertEqual(try world.ledger.inboxPage(accountID: headID, InboxQuery()).counts[.new]?.n, 2, "a commit: counted again")
        try world.ledger.pool.write { db in try db.execute("UPDATE cases SET next_due_day = 1 WHERE id = (SELECT min(id) FROM cases)") }
        XCTAssertEqual(try world.ledger.inboxPage(accountID: headID, InboxQuery()).counts[.overdue]?.n, 1)
        XCTAssertEqual(try world.ledger.inboxPage(accountID: headID, InboxQuery(state: .registered)).counts[.new]?.n, 0,
                       "other filters, other counts")
    }
}

