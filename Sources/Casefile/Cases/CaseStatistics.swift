import Casework
import Foundation
import SQLiteDB

/// The statistics page's figures counted by SQLite (issue 16: a million cases in under a
/// second), nothing sealed opened, no case read into memory one by one. Every case's figures come
/// from the tallies the triggers keep (`CaseTallies`); so do those of an account that holds every
/// case, or most of them less the cases it does not hold; an account that holds fewer than half
/// has its own cases counted. Cases counted afresh are counted with the tallies' own definitions,
/// so every way gives the same figures. The deadline shares follow `DeadlineClock` exactly: the
/// due days of each distinct received day are computed once (`TallyFigures`).
extension Ledger {
    /// The same figures as `Statistics(statisticsCases(year:heldBy:), ...)`, counted in SQL.
    public func statistics(year: Int?, heldBy: Int64? = nil) throws -> Statistics {
        try statisticsWithYears(year: year, heldBy: heldBy).statistics
    }

    /// The figures and the years the page offers (`registerYears(heldBy:)`), from one snapshot.
    public func statisticsWithYears(year: Int?, heldBy: Int64? = nil) throws -> (statistics: Statistics, years: [Int]) {
        let (settings, today) = (self.settings, self.today)
        return try pool.read { db in
            var figures = TallyFigures(settings: settings, today: today, year: year)
            switch try Ledger.statisticsScope(db, heldBy) {
            case .every:
                try Ledger.addTallies(db, year: year, to: &figures)
            case .allBut(let holder):
                try Ledger.addTallies(db, year: year, to: &figures)
                // The case ids (index cases_ids) merged with the holder's, both in order: one
                // pass over each, where a probe of the grants for every case costs twice as much.
                try Ledger.countAfresh(db, """
                    SELECT \(Ledger.talliedColumns) FROM cases c
                    WHERE c.id IN (SELECT id FROM cases EXCEPT SELECT case_id FROM grants WHERE holder = ? ORDER BY 1)
                    """, holder, sign: -1, into: &figures)
            case .own(let holder):
                // The holder's grants outside (CROSS JOIN): SQLite would otherwise probe every case.
                try Ledger.countAfresh(db, "SELECT \(Ledger.talliedColumns) FROM grants g CROSS JOIN cases c ON c.id = g.case_id WHERE g.holder = ?",
                                       holder, sign: 1, into: &figures)
            }
            return (figures.statistics, figures.years)
        }
    }

    enum StatisticsScope: Equatable {
        /// Every case: internal audit's figures, or an account that holds a grant for each.
        case every
        /// Every case but those the holder has no grant for (fewer than half).
        case allBut(holder: String)
        /// Only the holder's cases.
        case own(holder: String)
    }

    /// Whose cases to count. A grant names an existing case once (primary key, foreign key), so
    /// as many grants as cases means every case. The holder's grants are counted by triggers
    /// (`holder_grants`; counting them here took 40 ms at a million cases), the cases by SQLite.
    static func statisticsScope(_ db: Database, _ account: Int64?) throws -> StatisticsScope {
        guard let account else { return .every }
        let holder = Holder.account(account)
        guard let row = try db.queryOne("""
            SELECT coalesce((SELECT n FROM holder_grants WHERE holder = ?), 0) AS held, (SELECT count(*) FROM cases) AS cases
            """, [.text(holder)]) else { return .own(holder: holder) }
        let (held, cases) = (try row.required(Int.self, "held", table: "grants"), try row.required(Int.self, "cases", table: CaseRow.table))
        if held == cases { return .every }
        return held * 2 >= cases ? .allBut(holder: holder) : .own(holder: holder)
    }

    static var talliedColumns: String { CaseTallies.columns.map { "c.\($0)" }.joined(separator: ", ") }

    /// The cases `select` finds (its one argument `holder`), counted as the tallies count them,
    /// added (`sign` 1) or taken off (-1). They are read once, into a materialized table, and
    /// each figure counted from it.
    static func countAfresh(_ db: Database, _ select: String, _ holder: String, sign: Int, into figures: inout TallyFigures) throws {
        let sql = """
            WITH x AS MATERIALIZED (\(select))
            SELECT figure, a, b, c, d, \(sign) * count(*) AS n, year FROM (\(CaseTallies.rows(of: "x", from: " FROM x")))
            GROUP BY year, figure, a, b, c, d
            """
        let statement = try db.prepare(sql)
        try statement.bind([.text(holder)])
        try figures.count(statement)
    }
}
