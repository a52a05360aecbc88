/// Everything a staff member can try to do to a case. Every console and API route names exactly
/// one of these and asks `AccessPolicy` before it touches anything else.
public enum CaseAction: String, CaseIterable, Sendable {
    case view
    case register
    case markNotActionable
    case propose
    case decideApproval
    case designate
    /// Art. 10: the head keeps another account out of a case, or withdraws a designation.
    case excludeFromCase
    case addNote
    case readNotes
    case messageReporter
    case suspend
    case resume
    case fileReport
    case submitToLeaders
    case conclude
    case recordSanction
    case requestIdentity
    case decideIdentityRequest
    case readIdentity
    case declareRecusal
    case assessReward
    /// Art. 14: a fact that the department knew of the matter, dated by the server when entered.
    case recordPriorKnowledge
    case proposeReward
    case approveReward
    case recordPayment
    case setLegalHold
}

/// What a staff member can do outside any one case.
public enum GlobalAction: String, CaseIterable, Sendable {
    case viewInbox
    case registerOfflineReport
    case manageAccounts
    case changeSettings
    case readAuditLog
    case verifyAuditLog
    case viewStatistics
    case viewDeadlines
    /// Confirm or reject a change of who may read (issue 13, the two-person rule).
    case confirmReaderChanges
}

/// The access policy: role × action × relation. Arts. 3, 7, 10, 11 and 16 in one table, so that a
/// reader can check it against the policy line by line. The workflow then checks the case's state.
public enum AccessPolicy {
    public static func permits(_ role: Role, _ action: CaseAction, _ relation: CaseRelation) -> Bool {
        // Art. 10: the accused, and anyone the reporter kept away or who recused, get nothing.
        guard relation != .excluded else { return false }
        // Admin and auditor never see report content (DESIGN.md, roles).
        guard role != .admin, role != .auditor else { return false }
        // Art. 10: a case is handled by the people assigned to it, and by no one else. Recusal is
        // the one act open to anyone with the role who is not yet excluded: it only takes away.
        if action == .declareRecusal { return role != .auditor && role != .admin }
        guard relation == .assigned else { return false }
        switch role {
        case .head:
            switch action {
            case .decideApproval, .approveReward:
                // Arts. 7 and 13: the head proposes, the seats decide; no one approves their own
                // proposal.
                return false
            case .requestIdentity:
                return false // the head already holds the identity grant
            default:
                return true
            }
        case .inspector:
            switch action {
            case .view, .addNote, .readNotes, .messageReporter, .suspend, .resume, .fileReport,
                 .requestIdentity, .readIdentity:
                // readIdentity also needs a granted identity request: see `IdentityPolicy`.
                return true
            default:
                return false
            }
        case .approver:
            switch action {
            case .view, .decideApproval, .approveReward, .readNotes:
                // Art. 8: the approvers are the leaders who receive the investigation report.
                return true
            default:
                return false
            }
        case .admin, .auditor:
            return false
        }
    }

    public static func permits(_ role: Role, _ action: GlobalAction) -> Bool {
        switch action {
        case .viewInbox, .registerOfflineReport, .viewDeadlines:
            return role == .head
        case .manageAccounts, .changeSettings:
            return role == .admin
        case .readAuditLog, .verifyAuditLog:
            return role == .auditor
        case .viewStatistics:
            return role == .approver || role == .auditor || role == .head
        case .confirmReaderChanges:
            // The second person is one who reads, never the admin who asks nor the auditor.
            return role == .head || role == .approver
        }
    }
}

/// Arts. 4 and 16: who may read a real-name reporter's identity.
public enum IdentityPolicy {
    /// - Parameters:
    ///   - confidential: the reporter asked for strict confidentiality (art. 16): then no one but
    ///     the department head ever reads it, whatever is requested or approved.
    ///   - requestGranted: the head granted this inspector's reasoned request.
    public static func mayRead(_ role: Role, relation: CaseRelation, confidential: Bool, requestGranted: Bool) -> Bool {
        guard AccessPolicy.permits(role, .readIdentity, relation) else { return false }
        switch role {
        case .head: return true
        case .inspector: return !confidential && requestGranted
        default: return false
        }
    }

    /// A request from an inspector may be granted only where the reporter did not ask for
    /// confidentiality: the head is told so before deciding, and the gateway refuses the grant.
    public static func mayGrantRequest(confidential: Bool) -> Bool { !confidential }
}
