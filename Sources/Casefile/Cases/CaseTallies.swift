import Casework
import Foundation
import SQLiteDB

/// Counts of cases kept by SQLite triggers (issue 16: the statistics of a million cases in under
/// a second), so that the statistics page reads a few thousand tally rows instead of every case.
///
/// A tally row counts the cases of one register year that share a key; the keys hold exactly what
/// `Statistics` needs and nothing that depends on the settings (the due days do, so a deadline's
/// figure is keyed by received day and delay, and the due day is applied when the figures are
/// read). Only plaintext columns of `cases` are counted, nothing sealed: a tally shows a database
/// reader nothing the `cases` rows do not, and a database writer who edits one only changes the
/// figures displayed. (Raising an account's count in `holder_grants` shows it every case's
/// figures: counts of cases kept from it, which that writer reads in `cases` anyway.)
///
/// An installed database keeps the triggers its migration made: a change to `figures` or
/// `columns` needs a new migration that drops the triggers and the table and runs `migration`'s
/// table, triggers and count again.
enum CaseTallies {
    /// A figure: its name and the expressions of its key (`a` to `d`) and the condition for a case
    /// to be counted, over the row named `R` (NEW, OLD or a table alias).
    struct Figure {
        var name: String
        var key: [String]
        var condition: String
    }

    static let figures: [Figure] = [
        // How many were received on each day.
        Figure(name: "day", key: ["R.received_day", "0", "0", "0"], condition: "1"),
        Figure(name: "kind", key: ["R.state", "R.category", "R.channel", "0"], condition: "1"),
        // Received day and delay until met, for the deadline's share; summed over days, the
        // delay to register is also the median's histogram.
        Figure(name: "register", key: ["R.received_day", "R.registered_day - R.received_day", "0", "0"],
               condition: "R.registered_day IS NOT NULL"),
        Figure(name: "notice", key: ["R.received_day", "R.acceptance_notice_day - R.received_day", "0", "0"],
               condition: "R.real_name = 1 AND R.acceptance_notice_day IS NOT NULL"),
        Figure(name: "feedback", key: ["R.received_day", "R.feedback_day - R.received_day", "0", "0"],
               condition: "R.feedback_day IS NOT NULL"),
        Figure(name: "conclusion", key: ["R.closed_day - R.received_day", "0", "0", "0"],
               condition: "R.outcome IS NOT NULL AND R.closed_day IS NOT NULL"),
        // Deadlines not met (bit 1 register, 2 acceptance notice, 4 feedback): overdue or not
        // depends on today and, for a closed case, on the day its clock stopped.
        Figure(name: "unmet", key: ["R.received_day", "(\(unmet.register)) + 2 * (\(unmet.notice)) + 4 * (\(unmet.feedback))",
                                    "R.state", "coalesce(R.closed_day, '')"],
               condition: "(\(unmet.register)) OR (\(unmet.notice)) OR (\(unmet.feedback))"),
    ]
    static let unmet = (register: "R.registered_day IS NULL", notice: "R.real_name = 1 AND R.acceptance_notice_day IS NULL",
                        feedback: "R.feedback_day IS NULL")

    /// The columns of `cases` the figures read: an update that changes none leaves the tallies.
    static let columns = ["register_year", "received_day", "state", "category", "channel", "real_name", "outcome",
                          "registered_day", "acceptance_notice_day", "feedback_day", "closed_day"]

    /// Every figure's rows for the case row `row`, as one SELECT (`from` names a table to read
    /// them from, or nothing inside a trigger; `filter` which of its rows).
    static func rows(of row: String, from: String = "", filter: String = "1") -> String {
        figures.map { f in
            let key = zip(f.key, ["a", "b", "c", "d"]).map { "\($0.0.replacingOccurrences(of: "R.", with: "\(row).")) AS \($0.1)" }
            return "SELECT '\(f.name)' AS figure, \(row).register_year AS year, \(key.joined(separator: ", "))\(from) "
                + "WHERE (\(filter)) AND (\(f.condition.replacingOccurrences(of: "R.", with: "\(row).")))"
        }.joined(separator: " UNION ALL ")
    }

    static func add(_ row: String, _ n: Int) -> String {
        "INSERT INTO case_tallies(year, figure, a, b, c, d, n) SELECT year, figure, a, b, c, d, \(n) FROM (\(rows(of: row))) WHERE 1 "
            + "ON CONFLICT DO UPDATE SET n = n + excluded.n;"
    }

    /// Every case counted afresh, as the tallies should hold it. The counted columns are read
    /// once (the rows are wide with their seals), not once per figure.
    static let freshCount = """
        WITH x AS MATERIALIZED (SELECT \(columns.joined(separator: ", ")) FROM cases)
        SELECT year, figure, a, b, c, d, count(*) AS n FROM (\(rows(of: "x", from: " FROM x"))) GROUP BY 1, 2, 3, 4, 5, 6
        """

    /// The migration: the table, the triggers that keep it, and the count of the cases already
    /// there. Rows that drop to zero stay (the key space is small); readers skip them.
    static var migration: String {
        let changed = columns.map { "OLD.\($0) IS NOT NEW.\($0)" }.joined(separator: " OR ")
        return """
        CREATE TABLE case_tallies(
          year INTEGER NOT NULL,
          figure TEXT NOT NULL,
          a ANY NOT NULL,
          b ANY NOT NULL,
          c ANY NOT NULL,
          d ANY NOT NULL,
          n INTEGER NOT NULL,
          PRIMARY KEY (year, figure, a, b, c, d)
        ) STRICT, WITHOUT ROWID;
        -- The case ids alone, in order: the cases an account has no grant for are found by
        -- merging them with its grants (Ledger.statisticsWithYears).
        CREATE INDEX cases_ids ON cases(id);
        CREATE TRIGGER case_tallies_insert AFTER INSERT ON cases BEGIN \(add("NEW", 1)) END;
        CREATE TRIGGER case_tallies_delete AFTER DELETE ON cases BEGIN \(add("OLD", -1)) END;
        CREATE TRIGGER case_tallies_update AFTER UPDATE ON cases WHEN \(changed) BEGIN \(add("OLD", -1)) \(add("NEW", 1)) END;
        INSERT INTO case_tallies(year, figure, a, b, c, d, n) \(freshCount);
        -- How many grants each holder has: equal to the number of cases, the holder holds every
        -- case (a grant names an existing case once), and its figures are every case's.
        CREATE TABLE holder_grants(
          holder TEXT PRIMARY KEY,
          n INTEGER NOT NULL
        ) STRICT, WITHOUT ROWID;
        CREATE TRIGGER holder_grants_insert AFTER INSERT ON grants BEGIN \(grant("NEW", 1)) END;
        CREATE TRIGGER holder_grants_delete AFTER DELETE ON grants BEGIN \(grant("OLD", -1)) END;
        CREATE TRIGGER holder_grants_update AFTER UPDATE OF holder ON grants WHEN OLD.holder IS NOT NEW.holder
          BEGIN \(grant("OLD", -1)) \(grant("NEW", 1)) END;
        INSERT INTO holder_grants(holder, n) \(freshGrants);
        """
    }

    static func grant(_ row: String, _ n: Int) -> String {
        "INSERT INTO holder_grants(holder, n) VALUES (\(row).holder, \(n)) ON CONFLICT DO UPDATE SET n = n + excluded.n;"
    }

    /// Every holder's grants counted afresh.
    static let freshGrants = "SELECT holder, count(*) AS n FROM grants GROUP BY holder"
}

extension Ledger {
    /// Every case's tally rows into `figures`: the received days of all years, since the page
    /// lists the years there are, and the other rows of the year asked for (the primary key's
    /// prefix). Rows of a key in several years are summed there, not by a sort in SQLite.
    static func addTallies(_ db: Database, year: Int?, to figures: inout TallyFigures) throws {
        let columns = "SELECT figure, a, b, c, d, n, year FROM case_tallies"
        guard let year else { return try figures.count(db.prepare("\(columns) WHERE n <> 0")) }
        try figures.count(db.prepare("\(columns) WHERE figure = 'day' AND n <> 0"))
        let rest = try db.prepare("\(columns) WHERE year = ? AND figure <> 'day' AND n <> 0")
        try rest.bind([.integer(Int64(year))])
        try figures.count(rest)
    }
}

/// The figures summed from tally rows. The deadline shares follow `DeadlineClock` as the scan
/// did: each received day's due days computed once. Rows are read off the statement, not copied,
/// and the shares kept in place: a year of widely spread delays is tens of thousands of rows.
struct TallyFigures {
    /// A received day's due days (0 where the rules set none, as the scan compared).
    struct Due {
        var register = 0
        var notice = 0
        var feedback = 0
    }

    let settings: Settings
    let today: Day
    var received: [Day: Int] = [:]
    var categories: [String: Int] = [:]
    var channels: [String: Int] = [:]
    var states: [CaseState: Int] = [:]
    var registerDays: [Int: Int] = [:]
    var conclusionDays: [Int: Int] = [:]
    var register = Statistics.DeadlineShare()
    var notice = Statistics.DeadlineShare()
    var feedback = Statistics.DeadlineShare()
    var dues: [Int: Due] = [:]

    /// Only this register year's cases are counted (all years' in `yearCases`).
    let year: Int?
    var yearCases: [Int: Int] = [:]

    init(settings: Settings, today: Day, year: Int?) {
        self.settings = settings
        self.today = today
        self.year = year
    }

    /// The register years that have a case, newest first.
    var years: [Int] { yearCases.filter { $0.value > 0 }.keys.sorted(by: >) }

    /// The figures; counts that dropped to zero (cases taken off) are left out, as where nothing
    /// was counted.
    var statistics: Statistics {
        func counted<K>(_ d: [K: Int]) -> [K: Int] { d.filter { $0.value != 0 } }
        let days = counted(received)
        return Statistics(total: days.values.reduce(0, +), receivedDays: days, byCategory: counted(categories), byChannel: counted(channels),
                          byState: states, registerDays: counted(registerDays), conclusionDays: counted(conclusionDays),
                          deadlines: [.register: register, .acceptanceNotice: notice, .feedback: feedback])
    }

    /// Every row of `statement`: figure, key `a` to `d`, count, register year.
    mutating func count(_ statement: Statement) throws {
        while try statement.step() {
            try count(row: statement)
        }
    }

    mutating func count(row s: Statement) throws {
        let (figure, n, rowYear) = (try text(s, 0), try int(s, 5), try int(s, 6))
        if figure == "day" { yearCases[rowYear, default: 0] += n }
        if let year, year != rowYear { return }
        switch figure {
        case "day":
            received[Day(ordinal: try int(s, 1)), default: 0] += n
        case "kind":
            let state = try text(s, 1)
            categories[try text(s, 2), default: 0] += n
            channels[try text(s, 3), default: 0] += n
            if let known = CaseState(rawValue: state) { states[known, default: 0] += n }
        case "register":
            let (day, delay) = (try int(s, 1), try int(s, 2))
            registerDays[delay, default: 0] += n
            Self.met(&register, day + delay <= due(day).register, n)
        case "notice":
            let (day, delay) = (try int(s, 1), try int(s, 2))
            Self.met(&notice, day + delay <= due(day).notice, n)
        case "feedback":
            let (day, delay) = (try int(s, 1), try int(s, 2))
            Self.met(&feedback, day + delay <= due(day).feedback, n)
        case "conclusion":
            conclusionDays[try int(s, 1), default: 0] += n
        case "unmet":
            try unmet(s, n)
        default:
            break
        }
    }

    /// A met deadline: on time up to its due day, late after.
    static func met(_ share: inout Statistics.DeadlineShare, _ onTime: Bool, _ n: Int) {
        if onTime { share.metOnTime += n } else { share.metLate += n }
    }

    /// An unmet deadline is overdue once its due day has passed by today or, for a closed case,
    /// by the day its clock stopped.
    mutating func unmet(_ s: Statement, _ n: Int) throws {
        let (day, mask) = (try int(s, 1), try int(s, 2))
        let closed = CaseState(rawValue: try text(s, 3))?.isClosed ?? false
        let now = today.ordinal
        let asOf: Int
        if closed, case .integer(let stopped) = s.column(4) { asOf = min(now, Int(stopped)) } else { asOf = now }
        let due = due(day)
        if mask & 1 != 0, asOf > due.register { register.overdue += n }
        if mask & 2 != 0, asOf > due.notice { notice.overdue += n }
        if mask & 4 != 0, asOf > due.feedback { feedback.overdue += n }
    }

    /// The due days for a case received on `day`.
    mutating func due(_ day: Int) -> Due {
        if let known = dues[day] { return known }
        var due = Due()
        let facts = DeadlineFacts(receivedOn: Day(ordinal: day), realName: true)
        for status in DeadlineClock.evaluate(facts, rules: settings.deadlines, calendar: settings.calendar, today: Day(ordinal: day)) {
            switch status.kind {
            case .register: due.register = status.due.ordinal
            case .acceptanceNotice: due.notice = status.due.ordinal
            case .feedback: due.feedback = status.due.ordinal
            }
        }
        dues[day] = due
        return due
    }

    func int(_ s: Statement, _ index: Int) throws -> Int {
        let value = s.column(index)
        guard case .integer(let v) = value else {
            throw RowError.typeMismatch(column: "case_tallies #\(index)", expected: "INTEGER", stored: value.storageClass)
        }
        return Int(v)
    }

    func text(_ s: Statement, _ index: Int) throws -> String {
        let value = s.column(index)
        guard case .text(let v) = value else {
            throw RowError.typeMismatch(column: "case_tallies #\(index)", expected: "TEXT", stored: value.storageClass)
        }
        return v
    }
}
