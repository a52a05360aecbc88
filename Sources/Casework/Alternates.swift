/// Who takes intake and the two seats on a case, given its exclusions (DESIGN.md: "a seat whose
/// holder is the accused passes to the configured alternate").
public struct Alternates: Equatable, Sendable, Codable {
    /// Login of the account that takes intake when every head is excluded.
    public var intake: String?
    public var chairman: String?
    public var partySecretary: String?

    public init(intake: String? = nil, chairman: String? = nil, partySecretary: String? = nil) {
        self.intake = intake
        self.chairman = chairman
        self.partySecretary = partySecretary
    }

    enum CodingKeys: String, CodingKey {
        case intake
        case chairman
        case partySecretary = "party_secretary"
    }

    public func alternate(for seat: Seat) -> String? {
        switch seat {
        case .chairman: return chairman
        case .partySecretary: return partySecretary
        }
    }

    /// The roles that may stand in: a seat passes only to another approver (art. 7 asks for a
    /// leader's approval), intake to an inspector or an approver (a head-role account takes
    /// intake anyway, so a head named here adds nothing). Never admin or auditor: neither may
    /// ever hold a grant, and an admin who could name itself would read the next report.
    public static func mayStandIn(_ role: Role, forIntake: Bool) -> Bool {
        forIntake ? (role == .inspector || role == .approver) : role == .approver
    }

    /// What is wrong with these alternates for this roster, one line each; empty when a report
    /// naming any single reader still has someone to read it and both seats can be filled by
    /// two different people.
    public func problems(roster: [RosterEntry], loginOf: (Int64) -> String?) -> [Problem] {
        var out: [Problem] = []
        func entry(_ login: String?) -> RosterEntry? {
            guard let login, !login.isEmpty else { return nil }
            return roster.first { loginOf($0.accountID) == login }
        }
        for (name, login, seat) in [("intake", intake, Seat?.none), ("chairman", chairman, .chairman),
                                    ("party_secretary", partySecretary, .partySecretary)] {
            guard let login, !login.isEmpty else { out.append(Problem(alternate: name, kind: .missing)); continue }
            guard let e = entry(login) else { out.append(Problem(alternate: name, kind: .unknownAccount)); continue }
            if !Alternates.mayStandIn(e.role, forIntake: seat == nil) { out.append(Problem(alternate: name, kind: .wrongRole)) }
            // The intake alternate too: a leader who took in a case would then approve it.
            if e.seat != nil { out.append(Problem(alternate: name, kind: .holdsASeat)) }
        }
        // Three different people: a case naming a head and a leader at once would otherwise hand
        // intake and a seat, or both seats, to one account.
        let named = [("intake", intake), ("chairman", chairman), ("party_secretary", partySecretary)]
            .compactMap { n, l in l.flatMap { $0.isEmpty ? nil : (n, $0) } }
        for (i, a) in named.enumerated() where named[..<i].contains(where: { $0.1 == a.1 }) {
            out.append(Problem(alternate: a.0, kind: .sameAsOtherSeat))
        }
        return out
    }

    public struct Problem: Equatable, Sendable, CustomStringConvertible {
        public enum Kind: String, Sendable {
            case missing, unknownAccount = "unknown_account", wrongRole = "wrong_role"
            case holdsASeat = "holds_a_seat", sameAsOtherSeat = "same_as_other_seat"
        }
        /// `intake`, `chairman` or `party_secretary`, as settings.json names them.
        public let alternate: String
        public let kind: Kind

        public var description: String {
            switch kind {
            case .missing: return "alternates.\(alternate) is not set: a report naming its usual reader would have no one to read it"
            case .unknownAccount: return "alternates.\(alternate) names no enabled account"
            case .wrongRole: return "alternates.\(alternate) must be " + (alternate == "intake" ? "an inspector or an approver" : "an approver")
            case .holdsASeat: return "alternates.\(alternate) already holds a seat: one account never holds two seats"
            case .sameAsOtherSeat: return "alternates.\(alternate) names an account already named as another alternate: one account never holds two seats"
            }
        }
    }
}

public enum SeatAssignment {
    public struct Unfilled: Error, Equatable, Sendable, CustomStringConvertible {
        public let what: String
        public var description: String {
            "No one may take \(what) on this case: every holder and the configured alternate are excluded or missing. Configure an alternate in settings."
        }
    }

    /// The account that sits in `seat` for a case: the seat's holder unless excluded, else the
    /// configured alternate unless excluded too.
    public static func holder(of seat: Seat, roster: [RosterEntry], excluded: Set<Int64>,
                              alternates: Alternates, loginOf: (Int64) -> String?,
                              otherSeat: Int64? = nil) throws(Unfilled) -> Int64 {
        // `otherSeat`: who sits in the other seat on this case. One account never holds both,
        // or one person alone would give art. 7's two approvals.
        func free(_ e: RosterEntry) -> Bool { !excluded.contains(e.accountID) && e.accountID != otherSeat }
        if let primary = roster.first(where: { $0.role == .approver && $0.seat == seat && free($0) }) {
            return primary.accountID
        }
        if let login = alternates.alternate(for: seat),
           let alt = roster.first(where: { loginOf($0.accountID) == login && free($0)
                                           && Alternates.mayStandIn($0.role, forIntake: false) }) {
            return alt.accountID
        }
        throw Unfilled(what: "the \(seat.rawValue) seat")
    }

    /// The accounts that take intake: every non-excluded head, else the alternate intake.
    public static func intake(roster: [RosterEntry], excluded: Set<Int64>, alternates: Alternates,
                              loginOf: (Int64) -> String?) throws(Unfilled) -> [Int64] {
        let plan = intakePlan(roster: roster, excluded: excluded, alternates: alternates, loginOf: loginOf)
        guard let plan, plan.route != .leaders else { throw Unfilled(what: "intake") }
        return plan.accounts
    }

    /// Who receives a new report, and by which rule. Art. 10 keeps the report from the people it
    /// names and from those the reporter picked; a report must still reach someone, so when no
    /// head and no intake alternate is left the leaders in the two seats receive it (each seat's
    /// holder or its alternate). Nil only when not one reader is left at all.
    public static func intakePlan(roster: [RosterEntry], excluded: Set<Int64>, alternates: Alternates,
                                  loginOf: (Int64) -> String?) -> IntakePlan? {
        let heads = roster.filter { $0.role == .head && !excluded.contains($0.accountID) }.map(\.accountID)
        if !heads.isEmpty { return IntakePlan(accounts: heads, route: .heads) }
        if let login = alternates.intake,
           let alt = roster.first(where: { loginOf($0.accountID) == login && !excluded.contains($0.accountID)
                                           && Alternates.mayStandIn($0.role, forIntake: true) }) {
            return IntakePlan(accounts: [alt.accountID], route: .alternate)
        }
        var leaders: [Int64] = []
        for seat in Seat.allCases {
            if let id = try? holder(of: seat, roster: roster, excluded: excluded.union(leaders), alternates: alternates,
                                    loginOf: loginOf) {
                leaders.append(id)
            }
        }
        return leaders.isEmpty ? nil : IntakePlan(accounts: leaders, route: .leaders)
    }
}

/// Who receives a new report and why; the report form says so before the reporter sends it
/// when it is not the department's heads.
public struct IntakePlan: Equatable, Sendable {
    public enum Route: String, Sendable {
        /// Every head not excluded: the usual way.
        case heads
        /// The configured intake alternate: every head is excluded.
        case alternate
        /// The leaders in the two seats: every head and the intake alternate are excluded.
        case leaders
    }
    public var accounts: [Int64]
    public var route: Route

    public init(accounts: [Int64], route: Route) {
        self.accounts = accounts
        self.route = route
    }
}
