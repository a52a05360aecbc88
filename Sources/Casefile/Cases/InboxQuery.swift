import Casework

/// One page of the inbox as asked for: which section, which filters, which order, which page.
/// Every field has a plain text form, so the console carries the whole query in the URL.
public struct InboxQuery: Hashable, Sendable {
    /// The inbox's sections. Overdue, due soon and new are the cases the account holds for
    /// intake; awaiting me the cases waiting for the approval of a seat the account holds.
    public enum Section: String, CaseIterable, Sendable {
        case overdue
        case dueSoon = "due_soon"
        case new
        case awaitingMe = "awaiting_me"
        case all
    }

    /// A case's deadline status by its earliest unmet due day.
    public enum DeadlineFilter: String, CaseIterable, Sendable {
        case overdue
        case dueSoon = "due_soon"
        /// Open with a deadline still ahead and not yet near.
        case onTime = "on_time"
        /// Closed, or every deadline met.
        case noneDue = "none"
    }

    public enum Sort: String, CaseIterable, Sendable {
        /// Newest received first.
        case received
        /// Earliest due first; cases with nothing due last, newest first.
        case due
    }

    /// How many cases one page lists.
    public static let pageSize = 50

    public var section: Section = .all
    public var state: CaseState?
    public var category: String?
    public var channel: String?
    public var deadline: DeadlineFilter?
    public var year: Int?
    public var realName: Bool?
    public var legalHold: Bool?
    public var sort: Sort = .received
    /// 1 for the first page.
    public var page: Int = 1

    /// The filters alone: what the section counts depend on (not the section, order or page).
    public var filters: InboxQuery {
        InboxQuery(state: state, category: category, channel: channel, deadline: deadline, year: year, realName: realName, legalHold: legalHold)
    }

    /// No filter narrows the list (the section, order and page aside).
    public var hasNoFilter: Bool {
        state == nil && category == nil && channel == nil && deadline == nil && year == nil && realName == nil && legalHold == nil
    }

    public init(section: Section = .all, state: CaseState? = nil, category: String? = nil, channel: String? = nil,
                deadline: DeadlineFilter? = nil, year: Int? = nil, realName: Bool? = nil, legalHold: Bool? = nil,
                sort: Sort = .received, page: Int = 1) {
        self.section = section
        self.state = state
        self.category = category
        self.channel = channel
        self.deadline = deadline
        self.year = year
        self.realName = realName
        self.legalHold = legalHold
        self.sort = sort
        self.page = max(1, page)
    }
}

/// A page of the inbox: its cases, how many match in all, and how many each section holds (the
/// filters apply to the counts too, so a count is what its section would list). A count above
/// `countCap` is only known to be above it: past that a list is paged, not counted.
public struct InboxPage: Sendable {
    public static let countCap = 1000

    /// A section's count: exact, or "more than `n`" when counting stopped at the cap.
    public struct Count: Equatable, Sendable, CustomStringConvertible {
        public let n: Int
        public let capped: Bool
        public init(n: Int, capped: Bool) { (self.n, self.capped) = (n, capped) }
        /// As a person reads it: "1000+" past the cap.
        public var description: String { capped ? "\(n)+" : String(n) }
    }

    public let entries: [InboxEntry]
    public let query: InboxQuery
    public let counts: [InboxQuery.Section: Count]
    /// Whether the account holds any case for intake (a head, or the alternate taking intake).
    public let holdsIntake: Bool
    /// A case beyond this page matches.
    public let hasMore: Bool

    public init(entries: [InboxEntry], query: InboxQuery, counts: [InboxQuery.Section: Count], holdsIntake: Bool, hasMore: Bool) {
        (self.entries, self.query, self.counts, self.holdsIntake, self.hasMore) = (entries, query, counts, holdsIntake, hasMore)
    }

    /// The section's count (what it pages through).
    public var total: Count { counts[query.section] ?? Count(n: 0, capped: false) }
    /// Exact while the total is; past the cap, the pages the cap fills ("20+").
    public var pageCount: Int { max(1, (total.n + InboxQuery.pageSize - 1) / InboxQuery.pageSize) }
    public var pageCountText: String { total.capped ? "\(max(pageCount, query.page))+" : String(pageCount) }
    public var hasPrevious: Bool { query.page > 1 }
    public var hasNext: Bool { hasMore }
}
