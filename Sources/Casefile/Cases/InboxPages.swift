import Casework
import Foundation
import SQLiteDB
import Synchronization

/// The inbox over every case a person holds, a page at a time: sections, filters, order and a
/// register-number jump as SQL over plaintext columns and the stored due day (`DueDays`), so no
/// list reads every case and none silently stops at a fixed number. Nothing sealed is opened;
/// no audit entry is written (listing shows only what the rows say in plaintext).
extension Ledger {
    /// The page `query` asks for, with the total it pages through and every section's count.
    /// Counts stop at `InboxPage.countCap` (shown as "1000+"), except the unfiltered count of
    /// every case held, which the holder's grants give exactly along their index: so a page
    /// reads at most a bounded number of cases however many the person holds.
    public func inboxPage(accountID: Int64, _ query: InboxQuery, countCap: Int = InboxPage.countCap) throws -> InboxPage {
        let (settings, today) = (self.settings, self.today)
        let filter = InboxSQL(accountID: accountID, today: today, soon: today.adding(days: settings.deadlines.dueSoonDays), query: query,
                              countCap: countCap)
        let key = InboxCountCache.Key(accountID: accountID, day: today.ordinal, cap: countCap, filters: query.filters)
        // Read before the snapshot: a commit in between files the counts under the older version.
        let version = try pool.dataVersionIfIdle()
        let kept = version.flatMap { inboxCounts.counts(key, version: $0) }
        let (rows, more, counts, holdsIntake) = try pool.read { db in
            let rows = try filter.page(db)
            var counts = kept ?? [:]
            if kept == nil {
                for section in InboxQuery.Section.allCases { counts[section] = try filter.count(db, section: section) }
            }
            let intake = try db.queryOne("SELECT 1 FROM assignments WHERE account_id = ? AND capacity = 'intake' LIMIT 1", [.integer(accountID)]) != nil
            return (Array(rows.prefix(InboxQuery.pageSize)), rows.count > InboxQuery.pageSize, counts, intake)
        }
        if kept == nil, let version { inboxCounts.keep(key, version: version, counts: counts) }
        return InboxPage(entries: try rows.map { try Ledger.entry($0, settings: settings, today: today) }, query: query,
                         counts: counts, holdsIntake: holdsIntake, hasMore: more)
    }

    /// How many cases the deadlines page lists at a time.
    public static let duePageSize = 100

    /// The cases this account holds for intake with a deadline not met that falls due on or
    /// before `through` (overdue ones included), earliest due first, a page at a time, and how
    /// many there are in all: the deadlines page. Reads only those cases, by the stored due day.
    public func dueCases(accountID: Int64, through: Day, page: Int = 1) throws -> (entries: [InboxEntry], total: Int) {
        let (settings, today) = (self.settings, self.today)
        let offset = (max(1, page) - 1) * Ledger.duePageSize
        let due = "c.next_due_day <= ? AND \(InboxSQL.intake)"
        let (rows, total) = try pool.read { db in
            let rows = try db.query("""
                SELECT \(CaseRow.columns("c")), \(InboxSQL.capacities) AS caps FROM cases c
                WHERE \(due) ORDER BY c.next_due_day, c.id LIMIT ? OFFSET ?
                """, [.integer(accountID), .integer(Int64(through.ordinal)), .integer(accountID),
                      .integer(Int64(Ledger.duePageSize)), .integer(Int64(offset))])
            let total = try db.required("SELECT count(*) AS n FROM cases c WHERE \(due)", [.integer(Int64(through.ordinal)), .integer(accountID)],
                                        as: Int.self, column: "n", table: CaseRow.table)
            return (rows, total)
        }
        return (try rows.map { try Ledger.entry($0, settings: settings, today: today) }, total)
    }

    /// The case with this register number ("JB-2026-000123", or "2026-123" as a person types
    /// it), if this account holds it; nil otherwise, the same for a number that does not exist and
    /// for one kept from it.
    public func caseRef(register text: String, accountID: Int64) throws -> String? {
        guard let number = Ledger.registerNumber(typed: text) else { return nil }
        return try pool.read { db in
            try db.queryOne("""
                SELECT c.ref FROM cases c JOIN grants g ON g.case_id = c.id AND g.holder = ?
                WHERE c.register_year = ? AND c.register_seq = ?
                """, [.text(Holder.account(accountID)), .integer(Int64(number.year)), .integer(Int64(number.sequence))])?
                .required(String.self, "ref", table: CaseRow.table)
        }
    }

    /// A register number as typed: with or without "JB-", the sequence with or without its zeros.
    static func registerNumber(typed text: String) -> RegisterNumber? {
        var trimmed = text.trimmingCharacters(in: .whitespaces).uppercased()
        if trimmed.hasPrefix("JB-") { trimmed.removeFirst(3) }
        let parts = trimmed.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, (1...6).contains(parts[1].count),
              (parts[0] + parts[1]).allSatisfy({ $0.isASCII && $0.isNumber }),
              let year = Int(parts[0]), let seq = Int(parts[1]), seq > 0 else { return nil }
        return RegisterNumber(year: year, sequence: seq)
    }

    /// The register years from the earliest to the latest this account holds a case of, newest
    /// first: two reads along an index, however many cases (the filter's year list).
    public func heldYearRange(accountID: Int64) throws -> [Int] {
        try pool.read { db in
            func end(_ order: String) throws -> Int? {
                try db.queryOne("""
                    SELECT c.register_year FROM cases c WHERE EXISTS (SELECT 1 FROM grants g WHERE g.case_id = c.id AND g.holder = ?)
                    ORDER BY c.register_year \(order) LIMIT 1
                    """, [.text(Holder.account(accountID))])?.required(Int.self, "register_year", table: CaseRow.table)
            }
            guard let first = try end("ASC"), let last = try end("DESC") else { return [] }
            return Array((first...last).reversed())
        }
    }

    static func entry(_ row: Row, settings: Settings, today: Day) throws -> InboxEntry {
        let c = try CaseRow(row: row)
        // NULL when the account holds the case by grant alone (recovery, re-grant without a capacity).
        let caps = try row.string("caps") ?? ""
        return InboxEntry(ref: c.ref, register: c.registerNumber.description, received: c.receivedOn,
                          category: c.category, channel: c.channel, state: c.state, outcome: c.outcome,
                          approvals: c.approvals, capacities: Set(caps.split(separator: ",").map(String.init)),
                          deadlines: c.state.isClosed ? [] : DeadlineClock.evaluate(c.deadlineFacts, rules: settings.deadlines,
                                                                                     calendar: settings.calendar, today: today),
                          realName: c.realName, confidential: c.confidential, legalHold: c.legalHold, nextDue: c.nextDueOn)
    }
}

/// The WHERE clauses of the inbox, with their arguments in order.
struct InboxSQL {
    let accountID: Int64
    let today: Day
    let soon: Day
    let query: InboxQuery
    let countCap: Int

    /// The capacities the account holds the case in; its one argument is the account id.
    static let capacities = "(SELECT group_concat(capacity) FROM assignments a WHERE a.case_id = c.id AND a.account_id = ?)"
    /// Held for intake by the account (one argument: the account id).
    static let intake = "EXISTS (SELECT 1 FROM assignments a WHERE a.case_id = c.id AND a.account_id = ? AND a.capacity = 'intake')"
    /// Waiting for this account (three arguments, each the account id), as the console's
    /// "awaiting me": an investigation or a reward a seat it holds on the case has not approved,
    /// or an identity request waiting for the head who holds the case for intake.
    static let awaitingMe = """
        ((c.state = 'awaiting_approval' AND EXISTS (SELECT 1 FROM assignments a WHERE a.case_id = c.id AND a.account_id = ? \
        AND a.capacity IN (\(seats)) AND instr(',' || c.approvals || ',', ',' || a.capacity || ',') = 0)) \
        OR EXISTS (SELECT 1 FROM rewards r JOIN assignments a ON a.case_id = r.case_id WHERE r.case_id = c.id AND r.state = 'proposed' \
        AND a.account_id = ? AND a.capacity IN (\(seats)) AND instr(',' || r.approvals || ',', ',' || a.capacity || ',') = 0) \
        OR (EXISTS (SELECT 1 FROM identity_requests q WHERE q.case_id = c.id AND q.state = 'pending') AND \(intake)))
        """
    static let seats = Seat.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")

    /// The page's rows and one more if there is a next page. By due day in two parts, each read
    /// in the order of an index: the cases with a day due (earliest first), then those without
    /// (newest first).
    func page(_ db: Database) throws -> [Row] {
        let (whereClause, arguments) = conditions(section: query.section)
        let (offset, wanted) = ((query.page - 1) * InboxQuery.pageSize, InboxQuery.pageSize + 1)
        func rows(_ extra: String, _ order: String, limit: Int, offset: Int, index: String = "") throws -> [Row] {
            try db.query("""
                SELECT \(CaseRow.columns("c")), \(InboxSQL.capacities) AS caps FROM cases c\(index)
                WHERE \(whereClause)\(extra) ORDER BY \(order) LIMIT ? OFFSET ?
                """, [.integer(accountID)] + arguments + [.integer(Int64(limit)), .integer(Int64(offset))])
        }
        let dueIndex = dated(query.section) ? " INDEXED BY cases_next_due" : ""
        guard query.sort == .due else { return try rows("", "c.received_day DESC, c.id DESC", limit: wanted, offset: offset, index: dueIndex) }
        // Along the due days' index: it holds only open cases with a deadline ahead of them, so
        // the walk is bounded by those, where a filter's index (a state) could mean sorting tens
        // of thousands of rows to show fifty.
        var out = try rows(" AND c.next_due_day IS NOT NULL", "c.next_due_day, c.id", limit: wanted, offset: offset,
                           index: " INDEXED BY cases_next_due")
        if out.count < wanted, !dated(query.section) {
            // Where the dated cases end, the undated ones begin: how many dated ones this page skipped.
            let dated = out.isEmpty ? try capped(db, whereClause + " AND c.next_due_day IS NOT NULL", arguments, cap: offset) : offset + out.count
            out += try rows(" AND c.next_due_day IS NULL", "c.received_day DESC, c.id DESC", limit: wanted - out.count,
                            offset: max(0, offset - dated))
        }
        return out
    }

    /// How many cases match, counted no further than `cap`.
    func capped(_ db: Database, _ whereClause: String, _ arguments: [SQLValue], cap: Int, index: String = "") throws -> Int {
        try db.required("SELECT count(*) AS n FROM (SELECT 1 FROM cases c\(index) WHERE \(whereClause) LIMIT ?)",
                        arguments + [.integer(Int64(cap))], as: Int.self, column: "n", table: CaseRow.table)
    }

    /// Whether `section` (with the query's deadline filter) lists only cases with a day due: then
    /// they are read along the due days' index, a few hundred rows, and not along a filter's
    /// (a state's, tens of thousands) as SQLite would otherwise choose without statistics.
    func dated(_ section: InboxQuery.Section) -> Bool {
        section == .overdue || section == .dueSoon || query.deadline.map { $0 != .noneDue } == true
    }

    func count(_ db: Database, section: InboxQuery.Section) throws -> InboxPage.Count {
        if section == .all, query.hasNoFilter {
            // Every case held: the count the grants' triggers keep (migration 0016).
            let n = try db.scalar("SELECT n FROM holder_grants WHERE holder = ?", [.text(Holder.account(accountID))], as: Int.self)
            return .init(n: n ?? 0, capped: false)
        }
        let (whereClause, arguments) = conditions(section: section)
        let n = try capped(db, whereClause, arguments, cap: countCap + 1, index: dated(section) ? " INDEXED BY cases_next_due" : "")
        return n > countCap ? .init(n: countCap, capped: true) : .init(n: n, capped: false)
    }

    func conditions(section: InboxQuery.Section) -> (String, [SQLValue]) {
        var clauses = ["EXISTS (SELECT 1 FROM grants g WHERE g.case_id = c.id AND g.holder = ?)"]
        var arguments: [SQLValue] = [.text(Holder.account(accountID))]
        func add(_ clause: String, _ values: [SQLValue] = []) { clauses.append(clause); arguments += values }
        let (now, near) = (SQLValue.integer(Int64(today.ordinal)), SQLValue.integer(Int64(soon.ordinal)))
        switch section {
        case .overdue: add("c.next_due_day < ? AND \(Self.intake)", [now, .integer(accountID)])
        case .dueSoon: add("c.next_due_day BETWEEN ? AND ? AND \(Self.intake)", [now, near, .integer(accountID)])
        case .new: add("c.state = 'submitted' AND \(Self.intake)", [.integer(accountID)])
        case .awaitingMe:
            // The candidates first, from the few rows in those states, so the count reads no other case.
            add("c.id IN (SELECT id FROM cases WHERE state = 'awaiting_approval' UNION SELECT case_id FROM rewards WHERE state = 'proposed' "
                + "UNION SELECT case_id FROM identity_requests WHERE state = 'pending') AND " + Self.awaitingMe,
                [.integer(accountID), .integer(accountID), .integer(accountID)])
        case .all: break
        }
        if let state = query.state { add("c.state = ?", [.text(state.rawValue)]) }
        if let category = query.category { add("c.category = ?", [.text(category)]) }
        if let channel = query.channel { add("c.channel = ?", [.text(channel)]) }
        if let year = query.year { add("c.register_year = ?", [.integer(Int64(year))]) }
        // Literals, not arguments: SQLite uses the partial index on legal hold only for `= 1` in the SQL.
        if let realName = query.realName { add(realName ? "c.real_name = 1" : "c.real_name = 0") }
        if let legalHold = query.legalHold { add(legalHold ? "c.legal_hold = 1" : "c.legal_hold = 0") }
        switch query.deadline {
        case .overdue: add("c.next_due_day < ?", [now])
        case .dueSoon: add("c.next_due_day BETWEEN ? AND ?", [now, near])
        case .onTime: add("c.next_due_day > ?", [near])
        case .noneDue: add("c.next_due_day IS NULL")
        case nil: break
        }
        return (clauses.joined(separator: " AND "), arguments)
    }
}

/// The inbox's section counts for an account, its filters and the day, kept while the database
/// stays as it was (`DatabasePool.dataVersion` moves on every commit, this process's or the
/// CLI's): reloading the inbox, or paging through it, does not count the same cases again. The
/// counts of overdue and awaiting cases grow with the backlog; the page itself reads a page.
final class InboxCountCache: Sendable {
    struct Key: Hashable, Sendable {
        let accountID: Int64
        let day: Int
        let cap: Int
        let filters: InboxQuery
    }

    /// A bound on what is kept (a few hundred accounts' views): past it, everything is dropped.
    static let limit = 512
    private let kept = Mutex<[Key: (version: Int64, counts: [InboxQuery.Section: InboxPage.Count])]>([:])

    func counts(_ key: Key, version: Int64) -> [InboxQuery.Section: InboxPage.Count]? {
        kept.withLock { $0[key].flatMap { $0.version == version ? $0.counts : nil } }
    }

    func keep(_ key: Key, version: Int64, counts: [InboxQuery.Section: InboxPage.Count]) {
        kept.withLock { entries in
            if entries.count >= InboxCountCache.limit { entries.removeAll() }
            entries[key] = (version, counts)
        }
    }
}

