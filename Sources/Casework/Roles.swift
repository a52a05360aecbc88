/// Staff roles (DESIGN.md, "Who uses it"). The reporter has no account and no role here: the
/// reporter's rights follow from holding the tracking code.
public enum Role: String, CaseIterable, Codable, Sendable {
    case head
    case inspector
    case approver
    case admin
    case auditor
}

/// The two approval seats of art. 7. Each has a configured alternate who takes the seat on a
/// case whose holder is excluded (for example the supervisory board chair).
public enum Seat: String, CaseIterable, Codable, Sendable {
    case chairman
    case partySecretary = "party_secretary"
}

/// How a staff member stands to one case. Computed by the gateway from grants, designations and
/// exclusions; the policy below only reads it.
public enum CaseRelation: String, CaseIterable, Sendable {
    /// Holds the case: the intake head for it, a designated inspector, or the approver sitting in
    /// a seat for it.
    case assigned
    /// Has the role but not this case.
    case unassigned
    /// Named as accused, picked by the reporter to be kept away, or recused (回避). Nothing is
    /// permitted, whatever the role: art. 10.
    case excluded
}
