/// The life of a case (DESIGN.md). One place decides which transition is allowed from which
/// state, by whom, and what it must carry; the gateway performs it, seals what it carries and
/// writes the audit entry.
public enum CaseState: String, CaseIterable, Codable, Sendable {
    case submitted
    case registered
    case notActionable = "not_actionable"
    case awaitingApproval = "awaiting_approval"
    case refused
    case investigating
    case suspended
    case reported
    case concluded
    case closed

    /// States in which the case is finished: the retention clock runs from entering one.
    public var isClosed: Bool { self == .notActionable || self == .refused || self == .closed }
}

public enum Outcome: String, CaseIterable, Codable, Sendable {
    case substantiated
    case unsubstantiated
}

/// What the reporter sees (art. 11: a coarse status, never internal steps or opinions).
/// The raw values are the `data-status` machine names of GLOSSARY.md.
public enum ReporterStatus: String, CaseIterable, Sendable {
    case received
    case registered
    case underReview = "under_review"
    case investigating
    case concludedSubstantiated = "concluded_substantiated"
    case concludedUnsubstantiated = "concluded_unsubstantiated"
    case closed

    public init(state: CaseState, outcome: Outcome?) {
        switch state {
        case .submitted: self = .received
        case .registered: self = .registered
        case .awaitingApproval: self = .underReview
        // Suspension is explained to the reporter by the message art. 9 requires; the status
        // itself does not reveal internal pauses.
        case .investigating, .suspended, .reported: self = .investigating
        case .concluded, .closed:
            switch outcome {
            case .substantiated?: self = .concludedSubstantiated
            case .unsubstantiated?: self = .concludedUnsubstantiated
            case nil: self = .closed
            }
        case .notActionable, .refused: self = .closed
        }
    }

    public var chinese: String {
        switch self {
        case .received: return "已收到"
        case .registered: return "已登记"
        case .underReview: return "审核中"
        case .investigating: return "调查中"
        case .concludedSubstantiated: return "已办结（查实）"
        case .concludedUnsubstantiated: return "已办结（未查实）"
        case .closed: return "已结案"
        }
    }

    public var english: String {
        switch self {
        case .received: return "received"
        case .registered: return "registered"
        case .underReview: return "under review"
        case .investigating: return "under investigation"
        case .concludedSubstantiated: return "concluded: substantiated"
        case .concludedUnsubstantiated: return "concluded: not substantiated"
        case .closed: return "closed"
        }
    }
}

/// The transitions. Designation, notes, messages and the like are not transitions: they are
/// `CaseAction`s allowed in some states (see `Workflow.allows`).
public enum Transition: String, CaseIterable, Sendable {
    case register
    case markNotActionable
    case propose
    case approve
    case refuse
    case suspend
    case resume
    case fileReport
    case conclude
    case close

    public var action: CaseAction {
        switch self {
        case .register: return .register
        case .markNotActionable: return .markNotActionable
        case .propose: return .propose
        case .approve, .refuse: return .decideApproval
        case .suspend: return .suspend
        case .resume: return .resume
        case .fileReport: return .fileReport
        case .conclude: return .conclude
        case .close: return .conclude
        }
    }
}

/// The facts of a case that the workflow needs to decide; the gateway fills it from the ledger.
public struct CaseFacts: Sendable {
    public var state: CaseState
    public var outcome: Outcome?
    /// Seats that have approved the proposal (art. 7 needs both).
    public var approvals: Set<Seat>
    public var designatedInspectors: Int
    public var reportSubmittedToLeaders: Bool
    public var sanctionRecorded: Bool

    public init(state: CaseState, outcome: Outcome? = nil, approvals: Set<Seat> = [],
                designatedInspectors: Int = 0, reportSubmittedToLeaders: Bool = false,
                sanctionRecorded: Bool = false) {
        self.state = state
        self.outcome = outcome
        self.approvals = approvals
        self.designatedInspectors = designatedInspectors
        self.reportSubmittedToLeaders = reportSubmittedToLeaders
        self.sanctionRecorded = sanctionRecorded
    }
}

/// What a transition must carry. A missing requirement is refused with a message that says
/// what to supply.
public struct TransitionInput: Sendable {
    public var messageToReporter: String?
    public var summary: String?
    public var seat: Seat?
    public var outcome: Outcome?
    public var reason: String?

    public init(messageToReporter: String? = nil, summary: String? = nil, seat: Seat? = nil,
                outcome: Outcome? = nil, reason: String? = nil) {
        self.messageToReporter = messageToReporter
        self.summary = summary
        self.seat = seat
        self.outcome = outcome
        self.reason = reason
    }
}

public struct WorkflowError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

public enum Workflow {
    /// Applies `transition` to `facts` and returns the new facts, or says why not. It does not
    /// check who is acting: `AccessPolicy` does, before this is called.
    public static func apply(_ transition: Transition, to facts: CaseFacts, input: TransitionInput = .init()) throws(WorkflowError) -> CaseFacts {
        var next = facts
        func require(_ states: CaseState..., verb: String) throws(WorkflowError) {
            guard states.contains(facts.state) else {
                throw WorkflowError("A case that is \(facts.state.rawValue) cannot be \(verb); it must be \(states.map(\.rawValue).joined(separator: " or ")).")
            }
        }
        func nonEmpty(_ text: String?) -> Bool {
            guard let text else { return false }
            return !text.allSatisfy { $0.isWhitespace }
        }
        switch transition {
        case .register:
            try require(.submitted, verb: "registered")
            next.state = .registered
        case .markNotActionable:
            try require(.registered, verb: "closed as not actionable")
            // Art. 9: the reporter must be told why, and the telling is kept.
            guard nonEmpty(input.messageToReporter) else {
                throw WorkflowError("Closing a report as not actionable needs a message to the reporter saying why (art. 9).")
            }
            next.state = .notActionable
        case .propose:
            try require(.registered, verb: "proposed for investigation")
            guard nonEmpty(input.summary) else {
                throw WorkflowError("A proposal to the approvers needs a summary of the report (art. 7).")
            }
            next.state = .awaitingApproval
            next.approvals = []
        case .approve:
            try require(.awaitingApproval, verb: "approved")
            guard let seat = input.seat else { throw WorkflowError("An approval must name the seat it is given from.") }
            guard !facts.approvals.contains(seat) else {
                throw WorkflowError("The \(seat.rawValue) seat has already approved this case.")
            }
            next.approvals.insert(seat)
            // Art. 7: both the chairman and the party secretary must consent.
            if next.approvals.count == Seat.allCases.count { next.state = .investigating }
        case .refuse:
            try require(.awaitingApproval, verb: "refused")
            guard input.seat != nil else { throw WorkflowError("A refusal must name the seat it is given from.") }
            guard nonEmpty(input.messageToReporter) else {
                throw WorkflowError("Refusing an investigation closes the case: it needs a message to the reporter (art. 9).")
            }
            // Art. 11: the leaders' reasons stay inside; the reporter gets a standard wording.
            guard nonEmpty(input.reason) else {
                throw WorkflowError("A refusal needs an internal reason for the case's holders; the reporter never sees it.")
            }
            next.state = .refused
        case .suspend:
            try require(.investigating, verb: "suspended")
            guard nonEmpty(input.messageToReporter) else {
                throw WorkflowError("Suspending an investigation needs a message to the reporter giving the reason (art. 9).")
            }
            next.state = .suspended
        case .resume:
            try require(.suspended, verb: "resumed")
            next.state = .investigating
        case .fileReport:
            try require(.investigating, verb: "given its investigation report")
            guard facts.designatedInspectors > 0 else {
                throw WorkflowError("No investigator is designated on this case yet.")
            }
            next.state = .reported
        case .conclude:
            try require(.reported, verb: "concluded")
            guard facts.reportSubmittedToLeaders else {
                throw WorkflowError("Submit the investigation report to the leaders before concluding (art. 8).")
            }
            guard let outcome = input.outcome else {
                throw WorkflowError("A conclusion must say whether the report was substantiated.")
            }
            next.state = .concluded
            next.outcome = outcome
        case .close:
            try require(.concluded, verb: "closed")
            if facts.outcome == .substantiated && !facts.sanctionRecorded {
                throw WorkflowError("Record the sanction on the person reported before closing a substantiated case (art. 12).")
            }
            next.state = .closed
        }
        return next
    }

    /// A seat holder's recusal: an approval given from `seat` while the proposal still waits is
    /// void, since it came from someone who should never have judged the case; the seat's next
    /// holder decides afresh. Once both approvals moved the case on, the approval is a recorded
    /// act and stands (the seat still passes on, for the report art. 8 submits to the leaders).
    public static func recusal(from seat: Seat, facts: CaseFacts) -> CaseFacts {
        var next = facts
        if facts.state == .awaitingApproval { next.approvals.remove(seat) }
        return next
    }

    /// Case actions that are not transitions, by state. Transitions are checked by `apply`.
    public static func allows(_ action: CaseAction, in facts: CaseFacts) -> Bool {
        let state = facts.state
        switch action {
        case .view, .declareRecusal, .readNotes, .readIdentity, .setLegalHold:
            return true
        case .recordPriorKnowledge:
            // Entered whenever the head learns it, and before the reward is assessed; the record is
            // dated the day it is entered, so entering it late never back-dates it.
            return true
        case .excludeFromCase:
            // A conflict can come to light at any time while the case is worked on.
            return !state.isClosed
        case .designate:
            // Art. 7: investigators only after both approvals.
            return (state == .investigating || state == .suspended) && facts.approvals.count == Seat.allCases.count
        case .addNote:
            return [.submitted, .registered, .awaitingApproval, .investigating, .suspended, .reported].contains(state)
        case .requestIdentity:
            return [.registered, .awaitingApproval, .investigating, .suspended, .reported].contains(state)
        case .decideIdentityRequest:
            return !state.isClosed
        case .messageReporter:
            // Art. 9: the department can always answer the reporter, closed case or not.
            return true
        case .decideApproval:
            return state == .awaitingApproval
        case .submitToLeaders:
            return state == .reported && !facts.reportSubmittedToLeaders
        case .recordSanction:
            return state == .concluded && facts.outcome == .substantiated && !facts.sanctionRecorded
        case .assessReward, .proposeReward, .approveReward, .recordPayment:
            // Art. 13: only a verified (substantiated) report is rewarded.
            return (state == .concluded || state == .closed) && facts.outcome == .substantiated
        case .register, .markNotActionable, .propose, .suspend, .resume,
             .fileReport, .conclude:
            return Transition.allCases.contains { $0.action == action && (try? apply($0, to: facts, input: .permissive)) != nil }
        }
    }
}

/// What the reporter is told when the approvers refuse an investigation: one of the standard
/// wordings, in both languages (the reporter's language is not kept), never the leaders' views
/// (art. 11). An approver may add a sentence for the reporter, but only by confirming it is meant
/// for them, so that an internal view cannot slip into the message by habit.
public enum RefusalWording: String, CaseIterable, Sendable {
    case notInvestigated = "not_investigated"
    case insufficientClues = "insufficient_clues"
    case outsideRemit = "outside_remit"

    public var chinese: String {
        switch self {
        case .notInvestigated: return "经审批，本举报暂不立案调查。"
        case .insufficientClues: return "经审批，因现有线索不足，本举报暂不立案调查。如有新的线索，欢迎补充。"
        case .outsideRemit: return "经审批，本举报反映的事项不属于纪检监察部受理范围，暂不立案调查。"
        }
    }

    public var english: String {
        switch self {
        case .notInvestigated: return "After review and approval, this report will not be taken up for investigation for now."
        case .insufficientClues:
            return "After review and approval, this report will not be taken up for investigation for now, as the information given is not enough. New information is welcome."
        case .outsideRemit:
            return "After review and approval, the matter reported is outside the remit of the Discipline Inspection and Supervision Department and will not be investigated."
        }
    }
}

/// An approver's refusal: the internal reason (sealed, for the case's holders) apart from the
/// templated message the reporter gets.
public struct Refusal: Sendable, Equatable {
    public let wording: RefusalWording
    public let internalReason: String
    public let addition: String?

    /// Refused when the internal reason is empty, or when a free addition comes without the
    /// approver's confirmation that it is meant for the reporter.
    public init(wording: RefusalWording, internalReason: String, addition: String?, additionForReporter: Bool) throws(WorkflowError) {
        guard !internalReason.allSatisfy(\.isWhitespace) else {
            throw WorkflowError("A refusal needs an internal reason for the case's holders; the reporter never sees it.")
        }
        let extra = addition.flatMap { $0.allSatisfy(\.isWhitespace) ? nil : $0 }
        if extra != nil && !additionForReporter {
            throw WorkflowError("Confirm that the addition is meant for the reporter, or leave it empty.")
        }
        self.wording = wording
        self.internalReason = internalReason
        self.addition = extra
    }

    /// The message stored for the reporter: the wording in Chinese and English, then the
    /// confirmed addition.
    public var messageToReporter: String {
        ([wording.chinese, wording.english] + (addition.map { [$0] } ?? [])).joined(separator: "\n")
    }
}

extension TransitionInput {
    /// Everything supplied: used only to ask whether a transition is possible from a state.
    static let permissive = TransitionInput(messageToReporter: "-", summary: "-", seat: .chairman,
                                            outcome: .substantiated, reason: "-")
}
