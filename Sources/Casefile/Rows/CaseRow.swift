import Casework
import SQLiteDB

/// A case's plaintext columns, decoded in this one place for every query that reads `cases`
/// (the inbox, the staff desk, the reporter's view, deadlines, statistics, purge, recovery).
/// The lookup columns stay out: only the tracking-code lookup reads them.
struct CaseRow: Sendable {
    static let table = "cases"
    private static let names = ["id", "ref", "register_year", "register_seq", "channel", "category", "state", "outcome",
                                "real_name", "confidential", "received_day", "registered_day", "acceptance_notice_day",
                                "feedback_day", "closed_day", "approvals", "report_submitted_day", "sanction_recorded",
                                "legal_hold", "purged_day", "next_due_day"]

    /// The select list, each column qualified by `alias` where the query joins.
    static func columns(_ alias: String? = nil) -> String {
        selectList(names, alias: alias)
    }

    let id: Int64
    let ref: String
    let registerNumber: RegisterNumber
    let channel: String
    let category: String
    let state: CaseState
    let outcome: Outcome?
    let realName: Bool
    let confidential: Bool
    let receivedOn: Day
    let registeredOn: Day?
    let acceptanceNoticeOn: Day?
    let feedbackOn: Day?
    let closedOn: Day?
    let approvals: Set<Seat>
    let reportSubmittedOn: Day?
    let sanctionRecorded: Bool
    let legalHold: Bool
    let purgedOn: Day?
    /// Derived, not sealed (`DueDays`).
    let nextDueOn: Day?

    init(row: Row) throws {
        let r = row.reader(table: Self.table)
        id = try r.required("id")
        ref = try r.required("ref")
        registerNumber = RegisterNumber(year: try r.required("register_year"), sequence: try r.required("register_seq"))
        channel = try r.required("channel")
        category = try r.required("category")
        state = try r.required("state", as: CaseState.self)
        outcome = try r.optional("outcome", as: Outcome.self)
        realName = try r.required("real_name")
        confidential = try r.required("confidential")
        receivedOn = Day(ordinal: try r.required("received_day"))
        registeredOn = try r.optional("registered_day", as: Int.self).map(Day.init(ordinal:))
        acceptanceNoticeOn = try r.optional("acceptance_notice_day", as: Int.self).map(Day.init(ordinal:))
        feedbackOn = try r.optional("feedback_day", as: Int.self).map(Day.init(ordinal:))
        closedOn = try r.optional("closed_day", as: Int.self).map(Day.init(ordinal:))
        // Seats are written by this module only; an empty list is "no approval yet".
        approvals = Set(try r.required("approvals", as: String.self).split(separator: ",").compactMap { Seat(rawValue: String($0)) })
        reportSubmittedOn = try r.optional("report_submitted_day", as: Int.self).map(Day.init(ordinal:))
        sanctionRecorded = try r.required("sanction_recorded")
        legalHold = try r.required("legal_hold")
        purgedOn = try r.optional("purged_day", as: Int.self).map(Day.init(ordinal:))
        nextDueOn = try r.optional("next_due_day", as: Int.self).map(Day.init(ordinal:))
    }

    var deadlineFacts: DeadlineFacts {
        DeadlineFacts(receivedOn: receivedOn, realName: realName, registeredOn: registeredOn,
                      acceptanceNoticeOn: acceptanceNoticeOn, feedbackOn: feedbackOn)
    }
}
