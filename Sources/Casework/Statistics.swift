/// Figures about the department's work for the leaders and internal audit: how many reports,
/// when, of what kind, how far they got, how fast, and how often the deadlines were kept.
///
/// Pure: it reads only what the database holds in the clear anyway (DESIGN.md's attacker table:
/// counts, days, states, categories), so nothing here can reveal content or an identity. Only
/// one-way breakdowns are computed; a cross-table (category × month × channel) over a handful of
/// reports could point at a reporter.
public struct Statistics: Equatable, Sendable {
    /// One case, as far as the figures are concerned.
    public struct Case: Equatable, Sendable {
        public var receivedOn: Day
        public var channel: String
        public var category: String
        public var state: CaseState
        public var outcome: Outcome?
        public var realName: Bool
        public var registeredOn: Day?
        public var acceptanceNoticeOn: Day?
        public var feedbackOn: Day?
        /// The day the case was concluded with an outcome, where that day is known.
        public var concludedOn: Day?
        /// The day the case entered a closed state (not actionable, refused, closed).
        public var closedOn: Day?

        public init(receivedOn: Day, channel: String, category: String, state: CaseState, outcome: Outcome? = nil,
                    realName: Bool = false, registeredOn: Day? = nil, acceptanceNoticeOn: Day? = nil,
                    feedbackOn: Day? = nil, concludedOn: Day? = nil, closedOn: Day? = nil) {
            self.receivedOn = receivedOn
            self.channel = channel
            self.category = category
            self.state = state
            self.outcome = outcome
            self.realName = realName
            self.registeredOn = registeredOn
            self.acceptanceNoticeOn = acceptanceNoticeOn
            self.feedbackOn = feedbackOn
            self.concludedOn = concludedOn
            self.closedOn = closedOn
        }
    }

    public struct Tally: Equatable, Sendable {
        public var key: String
        public var count: Int
        public init(_ key: String, _ count: Int) {
            self.key = key
            self.count = count
        }
    }

    /// How one kind of deadline (or all of them) fared. Deadlines still running (pending, due
    /// soon) are left out: they have not been kept or missed yet.
    public struct DeadlineShare: Equatable, Sendable {
        public var metOnTime = 0
        public var metLate = 0
        public var overdue = 0
        public init(metOnTime: Int = 0, metLate: Int = 0, overdue: Int = 0) {
            self.metOnTime = metOnTime
            self.metLate = metLate
            self.overdue = overdue
        }
        public var decided: Int { metOnTime + metLate + overdue }
        /// Met on time ÷ decided; nil when nothing is decided yet (not 0%, not 100%).
        public var share: Double? { decided == 0 ? nil : Double(metOnTime) / Double(decided) }
    }

    public let total: Int
    /// `YYYY-MM` of the received day, oldest first, every month between the first and the last
    /// present (zeros included) so that a chart's time axis is not squeezed.
    public let byMonth: [Tally]
    /// Most first, ties by key.
    public let byCategory: [Tally]
    public let byChannel: [Tally]
    /// Every internal state in the order of the life of a case, zeros included.
    public let byState: [Tally]
    public let medianDaysToRegister: Double?
    public let medianDaysToConclusion: Double?
    public let deadlines: [DeadlineKind: DeadlineShare]
    public let deadlinesOverall: DeadlineShare

    /// A gap-filled month axis longer than this is not drawn month by month: a corrupt day in
    /// one row must not make the page list thousands of empty months.
    static let maxFilledMonths = 240

    public init(_ cases: [Case], rules: DeadlineRules, calendar: WorkingCalendar, today: Day) {
        total = cases.count
        byMonth = Statistics.months(cases.map(\.receivedOn))
        byCategory = Statistics.tally(cases.map(\.category))
        byChannel = Statistics.tally(cases.map(\.channel))
        var states: [CaseState: Int] = [:]
        for c in cases { states[c.state, default: 0] += 1 }
        byState = CaseState.allCases.map { Tally($0.rawValue, states[$0] ?? 0) }
        medianDaysToRegister = Statistics.median(cases.compactMap { c in c.registeredOn.map { c.receivedOn.days(until: $0) } })
        medianDaysToConclusion = Statistics.median(cases.compactMap { c in
            guard c.outcome != nil, let day = c.concludedOn else { return nil }
            return c.receivedOn.days(until: day)
        })
        var kinds: [DeadlineKind: DeadlineShare] = [:]
        for kind in DeadlineKind.allCases { kinds[kind] = DeadlineShare() }
        var overall = DeadlineShare()
        for c in cases {
            // A closed case's clock stopped the day it closed: a deadline it never met counts as
            // missed only if it had passed by then, not because today is later still.
            let asOf = c.state.isClosed ? min(today, c.closedOn ?? today) : today
            let facts = DeadlineFacts(receivedOn: c.receivedOn, realName: c.realName, registeredOn: c.registeredOn,
                                      acceptanceNoticeOn: c.acceptanceNoticeOn, feedbackOn: c.feedbackOn)
            for status in DeadlineClock.evaluate(facts, rules: rules, calendar: calendar, today: asOf) {
                switch status.state {
                case .met:
                    kinds[status.kind]?.metOnTime += 1
                    overall.metOnTime += 1
                case .metLate:
                    kinds[status.kind]?.metLate += 1
                    overall.metLate += 1
                case .overdue:
                    kinds[status.kind]?.overdue += 1
                    overall.overdue += 1
                case .pending, .dueSoon:
                    break
                }
            }
        }
        deadlines = kinds
        deadlinesOverall = overall
    }

    /// The figures as already counted (the ledger counts them in SQL: `Ledger.statistics`).
    /// `monthDays` is how many cases were received on each day; `registerDays` and
    /// `conclusionDays` how many took each number of days.
    public init(total: Int, receivedDays: [Day: Int], byCategory: [String: Int], byChannel: [String: Int],
                byState: [CaseState: Int], registerDays: [Int: Int], conclusionDays: [Int: Int],
                deadlines: [DeadlineKind: DeadlineShare]) {
        self.total = total
        byMonth = Statistics.months(receivedDays)
        self.byCategory = Statistics.sortedTallies(byCategory)
        self.byChannel = Statistics.sortedTallies(byChannel)
        self.byState = CaseState.allCases.map { Tally($0.rawValue, byState[$0] ?? 0) }
        medianDaysToRegister = Statistics.median(histogram: registerDays)
        medianDaysToConclusion = Statistics.median(histogram: conclusionDays)
        var all = DeadlineKind.allCases.reduce(into: [DeadlineKind: DeadlineShare]()) { $0[$1] = DeadlineShare() }
        all.merge(deadlines) { $1 }
        self.deadlines = all
        deadlinesOverall = all.values.reduce(DeadlineShare()) {
            DeadlineShare(metOnTime: $0.metOnTime + $1.metOnTime, metLate: $0.metLate + $1.metLate, overdue: $0.overdue + $1.overdue)
        }
    }

    /// The median of values given as value → how many times it occurs; the same as `median`.
    public static func median(histogram: [Int: Int]) -> Double? {
        let count = histogram.values.reduce(0, +)
        guard count > 0 else { return nil }
        func value(at index: Int) -> Int {
            var seen = 0
            for (value, n) in histogram.sorted(by: { $0.key < $1.key }) {
                seen += n
                if index < seen { return value }
            }
            return histogram.keys.max() ?? 0
        }
        if count % 2 == 1 { return Double(value(at: count / 2)) }
        return (Double(value(at: count / 2 - 1)) + Double(value(at: count / 2))) / 2
    }

    /// The middle value; for an even count, the mean of the two middle values. Nil for none.
    public static func median(_ values: [Int]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let mid = sorted.count / 2
        if sorted.count % 2 == 1 { return Double(sorted[mid]) }
        return (Double(sorted[mid - 1]) + Double(sorted[mid])) / 2
    }

    public static func monthKey(_ day: Day) -> String { String(day.description.prefix(7)) }

    static func tally(_ keys: [String]) -> [Tally] {
        var counts: [String: Int] = [:]
        for k in keys { counts[k, default: 0] += 1 }
        return sortedTallies(counts)
    }

    static func sortedTallies(_ counts: [String: Int]) -> [Tally] {
        counts.map { Tally($0.key, $0.value) }.sorted { $0.count != $1.count ? $0.count > $1.count : $0.key < $1.key }
    }

    static func months(_ days: [Day]) -> [Tally] {
        months(days.reduce(into: [Day: Int]()) { $0[$1, default: 0] += 1 })
    }

    static func months(_ days: [Day: Int]) -> [Tally] {
        func index(_ d: Day) -> Int { let c = d.components; return c.year * 12 + c.month - 1 }
        var counts: [Int: Int] = [:]
        for (d, n) in days { counts[index(d), default: 0] += n }
        guard let first = counts.keys.min(), let last = counts.keys.max() else { return [] }
        let span = last - first < maxFilledMonths ? Array(first...last) : counts.keys.sorted()
        return span.map { i in
            let year = i >= 0 ? i / 12 : (i - 11) / 12
            let month = i - year * 12 + 1
            return Tally(monthKey(Day(year: year, month: month, day: 1)!), counts[i] ?? 0)
        }
    }
}
