/// Deadlines are data, not code (DESIGN.md): how long the department has, from the day a report
/// was received, to register it, to tell a real-name reporter whether it was accepted, and to give
/// feedback. All three are configurable.
public struct DeadlineRules: Equatable, Sendable, Codable {
    /// Acknowledge (register) within this many calendar days.
    public var registerWithinDays: Int
    /// Tell a real-name reporter within this many working days whether the report was accepted.
    public var acceptanceNoticeWithinWorkingDays: Int
    /// Give the reporter feedback within this many months.
    public var feedbackWithinMonths: Int
    /// "Due soon" starts this many calendar days before a deadline.
    public var dueSoonDays: Int

    public init(registerWithinDays: Int = 7, acceptanceNoticeWithinWorkingDays: Int = 15,
                feedbackWithinMonths: Int = 3, dueSoonDays: Int = 2) {
        self.registerWithinDays = registerWithinDays
        self.acceptanceNoticeWithinWorkingDays = acceptanceNoticeWithinWorkingDays
        self.feedbackWithinMonths = feedbackWithinMonths
        self.dueSoonDays = dueSoonDays
    }
}

public enum DeadlineKind: String, CaseIterable, Sendable {
    /// 登记: register the report.
    case register
    /// Tell a real-name reporter whether the report was accepted.
    case acceptanceNotice = "acceptance_notice"
    /// Feedback to the reporter.
    case feedback
}

public struct DeadlineStatus: Equatable, Sendable {
    public enum State: String, Sendable {
        case pending
        case dueSoon = "due_soon"
        case overdue
        case met
        case metLate = "met_late"
    }
    public var kind: DeadlineKind
    public var due: Day
    public var metOn: Day?
    public var state: State
}

/// What has happened on a case, as far as deadlines are concerned.
public struct DeadlineFacts: Sendable {
    public var receivedOn: Day
    public var realName: Bool
    public var registeredOn: Day?
    /// The day the reporter was told whether the report was accepted (registration with a
    /// message, not-actionable with its message, or a proposal's notice).
    public var acceptanceNoticeOn: Day?
    /// The first message to the reporter that gives feedback, or the conclusion.
    public var feedbackOn: Day?

    public init(receivedOn: Day, realName: Bool, registeredOn: Day? = nil,
                acceptanceNoticeOn: Day? = nil, feedbackOn: Day? = nil) {
        self.receivedOn = receivedOn
        self.realName = realName
        self.registeredOn = registeredOn
        self.acceptanceNoticeOn = acceptanceNoticeOn
        self.feedbackOn = feedbackOn
    }
}

public enum DeadlineClock {
    public static func evaluate(_ facts: DeadlineFacts, rules: DeadlineRules, calendar: WorkingCalendar,
                                today: Day) -> [DeadlineStatus] {
        func status(_ kind: DeadlineKind, due: Day, metOn: Day?) -> DeadlineStatus {
            let state: DeadlineStatus.State
            if let metOn {
                state = metOn <= due ? .met : .metLate
            } else if today > due {
                state = .overdue
            } else if today.days(until: due) <= rules.dueSoonDays {
                state = .dueSoon
            } else {
                state = .pending
            }
            return DeadlineStatus(kind: kind, due: due, metOn: metOn, state: state)
        }
        var out = [status(.register, due: facts.receivedOn.adding(days: rules.registerWithinDays), metOn: facts.registeredOn)]
        if facts.realName {
            let due = calendar.adding(workingDays: rules.acceptanceNoticeWithinWorkingDays, to: facts.receivedOn)
            out.append(status(.acceptanceNotice, due: due, metOn: facts.acceptanceNoticeOn))
        }
        out.append(status(.feedback, due: facts.receivedOn.adding(months: rules.feedbackWithinMonths), metOn: facts.feedbackOn))
        return out
    }
}
