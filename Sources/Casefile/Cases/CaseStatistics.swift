import Casework
import Foundation
import SQLiteDB

/// The statistics page's figures counted by SQLite (issue 16: a million cases in under a
/// second), nothing sealed opened, no case read into memory one by one. Every case's figures come
/// from the tallies the triggers keep (`CaseTallies`); so do those of an account that holds every
/// case or most of them, less the few cases it does not hold, counted afresh; an account that
/// holds fewer than half gets aggregates over its grants. The deadline shares follow
/// `DeadlineClock` exactly: the due days of each distinct received day are computed once.
extension Ledger {
    /// The same figures as `Statistics(statisticsCases(year:heldBy:), ...)`, counted in SQL.
    public func statistics(year: Int?, heldBy: Int64? = nil) throws -> Statistics {
        try statisticsWithYears(year: year, heldBy: heldBy).statistics
    }

    /// The figures and the years the page offers (`registerYears(heldBy:)`), from one snapshot.
    public func statisticsWithYears(year: Int?, heldBy: Int64? = nil) throws -> (statistics: Statistics, years: [Int]) {
        let (settings, today) = (self.settings, self.today)
        return try pool.read { db in
            let scope = try Ledger.statisticsScope(db, heldBy)
            if case .own(let holder) = scope {
                let years = try db.query("""
                    SELECT DISTINCT c.register_year AS y FROM grants g JOIN cases c ON c.id = g.case_id WHERE g.holder = ? ORDER BY 1 DESC
                    """, [.text(holder)]).map { try $0.required(Int.self, "y", table: CaseRow.table) }
                return (try Ledger.heldStatistics(db, year: year, holder: holder, settings: settings, today: today), years)
            }
            var figures = TallyFigures(settings: settings, today: today)
            var years = try Ledger.talliedYearCounts(db)
            try Ledger.addTallies(db, year: year, to: &figures)
            if case .allBut(let holder) = scope {
                try Ledger.subtractUnheld(db, holder: holder, year: year, from: &figures, years: &years)
            }
            return (figures.statistics, years.filter { $0.value > 0 }.keys.sorted(by: >))
        }
    }

    enum StatisticsScope: Equatable {
        /// Every case: internal audit's figures, or an account that holds a grant for each.
        case every
        /// Every case but those the holder has no grant for (fewer than half).
        case allBut(holder: String)
        /// Only the holder's cases, counted over its grants.
        case own(holder: String)
    }

    /// Whose cases to count. Both counts come from indexes; a grant names an existing case once
    /// (primary key, foreign key), so equal counts mean the same cases.
    static func statisticsScope(_ db: Database, _ account: Int64?) throws -> StatisticsScope {
        guard let account else { return .every }
        let holder = Holder.account(account)
        guard let row = try db.queryOne("SELECT (SELECT count(*) FROM grants WHERE holder = ?) AS held, (SELECT count(*) FROM cases) AS cases",
                                        [.text(holder)]) else { return .own(holder: holder) }
        let (held, cases) = (try row.required(Int.self, "held", table: "grants"), try row.required(Int.self, "cases", table: CaseRow.table))
        if held == cases { return .every }
        return held * 2 >= cases ? .allBut(holder: holder) : .own(holder: holder)
    }

    /// The cases without the holder's grant (one pass over the case ids, a probe of the grant
    /// index each), counted afresh with the tallies' own definitions and taken off.
    static func subtractUnheld(_ db: Database, holder: String, year: Int?, from figures: inout TallyFigures, years: inout [Int: Int]) throws {
        let ids = try db.scalar("""
            SELECT json_group_array(id) FROM cases c WHERE NOT EXISTS (SELECT 1 FROM grants g WHERE g.case_id = c.id AND g.holder = ?)
            """, [.text(holder)], as: String.self) ?? "[]"
        let unheld = "x.id IN (SELECT value FROM json_each(?1))"
        for row in try db.query("SELECT register_year AS y, count(*) AS n FROM cases x WHERE \(unheld) GROUP BY 1", [.text(ids)]) {
            years[try row.required(Int.self, "y", table: CaseRow.table), default: 0] -= try row.required(Int.self, "n", table: CaseRow.table)
        }
        var sql = "SELECT figure, a, b, c, d, -count(*) AS n FROM (\(CaseTallies.rows(of: "x", from: " FROM cases x", filter: unheld)))"
        var arguments: [SQLValue] = [.text(ids)]
        if let year {
            sql += " WHERE year = ?2"
            arguments.append(.integer(Int64(year)))
        }
        for row in try db.query(sql + " GROUP BY figure, a, b, c, d", arguments) {
            try figures.count(row)
        }
    }

    /// The figures of the cases an account holds, counted over its grants (the holder index), so
    /// an approver who holds a few cases reads only those.
    static func heldStatistics(_ db: Database, year: Int?, holder: String, settings: Settings, today: Day) throws -> Statistics {
        var filter = "g.holder = ?"
        var arguments: [SQLValue] = [.text(holder)]
        if let year {
            filter += " AND c.register_year = ?"
            arguments.append(.integer(Int64(year)))
        }
        let source = "grants g JOIN cases c ON c.id = g.case_id"
        var received: [Day: Int] = [:]
        for row in try db.query("SELECT c.received_day AS d, count(*) AS n FROM \(source) WHERE \(filter) GROUP BY c.received_day", arguments) {
            received[Day(ordinal: try row.required(Int.self, "d", table: CaseRow.table))] = try row.required(Int.self, "n", table: CaseRow.table)
        }
        var (categories, channels, states) = ([String: Int](), [String: Int](), [CaseState: Int]())
        for row in try db.query("SELECT c.state, c.category, c.channel, count(*) AS n FROM \(source) WHERE \(filter) GROUP BY 1, 2, 3", arguments) {
            let r = row.reader(table: CaseRow.table)
            let n: Int = try r.required("n")
            categories[try r.required("category"), default: 0] += n
            channels[try r.required("channel"), default: 0] += n
            if let state = CaseState(rawValue: try r.required("state")) { states[state, default: 0] += n }
        }
        let registerDays = try histogram(db, "c.registered_day - c.received_day", from: source,
                                         where: "\(filter) AND c.registered_day IS NOT NULL", arguments)
        let conclusionDays = try histogram(db, "c.closed_day - c.received_day", from: source,
                                           where: "\(filter) AND c.outcome IS NOT NULL AND c.closed_day IS NOT NULL", arguments)
        let deadlines = try deadlineShares(db, received: Array(received.keys), source: source, filter: filter, arguments,
                                           settings: settings, today: today)
        return Statistics(total: received.values.reduce(0, +), receivedDays: received, byCategory: categories, byChannel: channels,
                          byState: states, registerDays: registerDays, conclusionDays: conclusionDays, deadlines: deadlines)
    }

    static func histogram(_ db: Database, _ expression: String, from source: String, where filter: String,
                          _ arguments: [SQLValue]) throws -> [Int: Int] {
        var out: [Int: Int] = [:]
        for row in try db.query("SELECT \(expression) AS v, count(*) AS n FROM \(source) WHERE \(filter) GROUP BY 1", arguments) {
            out[try row.required(Int.self, "v", table: CaseRow.table)] = try row.required(Int.self, "n", table: CaseRow.table)
        }
        return out
    }

    /// Met on time, met late and missed, per kind, in one pass. A closed case's clock stopped the
    /// day it closed (as in `Statistics`).
    static func deadlineShares(_ db: Database, received: [Day], source: String, filter: String, _ arguments: [SQLValue],
                               settings: Settings, today: Day) throws -> [DeadlineKind: Statistics.DeadlineShare] {
        guard !received.isEmpty else { return [:] }
        let dues = received.map { day -> String in
            let facts = DeadlineFacts(receivedOn: day, realName: true)
            let due = Dictionary(uniqueKeysWithValues: DeadlineClock.evaluate(facts, rules: settings.deadlines, calendar: settings.calendar,
                                                                            today: day).map { ($0.kind, $0.due.ordinal) })
            return "(\(day.ordinal), \(due[.register] ?? 0), \(due[.acceptanceNotice] ?? 0), \(due[.feedback] ?? 0))"
        }.joined(separator: ", ")
        let closed = CaseState.allCases.filter(\.isClosed).map { "'\($0.rawValue)'" }.joined(separator: ", ")
        let now = today.ordinal
        let sql = """
            WITH due(d, r, n, f) AS (VALUES \(dues)),
            x AS (SELECT c.registered_day AS reg, c.acceptance_notice_day AS note, c.feedback_day AS fb, c.real_name AS rn, due.r, due.n, due.f,
                         CASE WHEN c.state IN (\(closed)) THEN min(\(now), coalesce(c.closed_day, \(now))) ELSE \(now) END AS asof
                  FROM \(source) JOIN due ON due.d = c.received_day WHERE \(filter))
            SELECT coalesce(sum(reg <= r), 0) AS r1, coalesce(sum(reg > r), 0) AS r2, coalesce(sum(reg IS NULL AND asof > r), 0) AS r3,
                   coalesce(sum(rn = 1 AND note <= n), 0) AS n1, coalesce(sum(rn = 1 AND note > n), 0) AS n2,
                   coalesce(sum(rn = 1 AND note IS NULL AND asof > n), 0) AS n3,
                   coalesce(sum(fb <= f), 0) AS f1, coalesce(sum(fb > f), 0) AS f2, coalesce(sum(fb IS NULL AND asof > f), 0) AS f3
            FROM x
            """
        guard let row = try db.queryOne(sql, arguments) else { return [:] }
        func share(_ p: String) throws -> Statistics.DeadlineShare {
            Statistics.DeadlineShare(metOnTime: try row.required(Int.self, p + "1", table: CaseRow.table),
                                     metLate: try row.required(Int.self, p + "2", table: CaseRow.table),
                                     overdue: try row.required(Int.self, p + "3", table: CaseRow.table))
        }
        return [.register: try share("r"), .acceptanceNotice: try share("n"), .feedback: try share("f")]
    }
}
