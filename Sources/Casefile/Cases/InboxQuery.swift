import Casework

/// One page of the inbox as asked for: which section, which filters, which order, which page.
/// Every field has a plain text form, so the console carries the whole query in the URL.
public struct InboxQuery: Equatable, Sendable {
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
/// filters apply to the counts too, so a count is what its section would list).
public struct InboxPage: Sendable {
    public let entries: [InboxEntry]
    public let query: InboxQuery
    public let total: Int
    public let counts: [InboxQuery.Section: Int]
    /// Whether the account holds any case for intake (a head, or the alternate taking intake).
    public let holdsIntake: Bool

    public var pageCount: Int { max(1, (total + InboxQuery.pageSize - 1) / InboxQuery.pageSize) }
    public var hasPrevious: Bool { query.page > 1 }
    public var hasNext: Bool { query.page < pageCount }
}
