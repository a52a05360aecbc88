import Foundation

/// Art. 10: separation from the accused. Intake matches the people a reporter names against the
/// staff roster; every match is excluded from the case, and so is every handler the reporter
/// picked. This file decides who is excluded; the gateway then seals no grant for them.
public struct RosterEntry: Equatable, Sendable {
    public var accountID: Int64
    public var name: String
    public var employeeID: String?
    public var role: Role
    public var seat: Seat?

    public init(accountID: Int64, name: String, employeeID: String?, role: Role, seat: Seat? = nil) {
        self.accountID = accountID
        self.name = name
        self.employeeID = employeeID
        self.role = role
        self.seat = seat
    }
}

/// A person the reporter names as accused: a name and a post, and an employee id if known.
public struct AccusedPerson: Equatable, Sendable, Codable {
    public var name: String
    public var post: String
    public var employeeID: String?

    public init(name: String, post: String, employeeID: String? = nil) {
        self.name = name
        self.post = post
        self.employeeID = employeeID
    }
}

public enum NameMatching {
    /// Folds the ways one name is written: compatibility forms (full-width letters), case,
    /// whitespace and the separators used inside names (· ・ . - _), so that "张 三", "张三" and
    /// "Zhang·San" / "zhang san" each meet their other spelling.
    public static func normalise(_ name: String) -> String {
        let folded = name.precomposedStringWithCompatibilityMapping.lowercased()
        var out = String.UnicodeScalarView()
        for scalar in folded.unicodeScalars {
            if scalar.properties.isWhitespace { continue }
            switch scalar.value {
            case 0x00B7, 0x30FB, 0x2027, 0x2E31, 0x002E, 0x002D, 0x005F, 0x2010...0x2015: continue
            default: out.append(scalar)
            }
        }
        return String(out)
    }

    public static func normaliseEmployeeID(_ id: String) -> String {
        normalise(id).uppercased()
    }
}

public struct Exclusion: Equatable, Sendable {
    public enum Reason: String, Sendable {
        case namedAsAccused = "named_as_accused"
        case pickedByReporter = "picked_by_reporter"
        case recused
    }
    public var accountID: Int64
    public var reason: Reason
}

public enum Separation {
    /// The accounts excluded from a new report. A name match is enough: a false match costs one
    /// handler their view of one case, a missed match hands a report to the person it accuses.
    public static func exclusions(accused: [AccusedPerson], pickedAccountIDs: Set<Int64>,
                                  roster: [RosterEntry]) -> [Exclusion] {
        let names = Set(accused.map { NameMatching.normalise($0.name) }.filter { !$0.isEmpty })
        let ids = Set(accused.compactMap { $0.employeeID.map(NameMatching.normaliseEmployeeID) }.filter { !$0.isEmpty })
        var out: [Exclusion] = []
        for entry in roster {
            let nameHit = names.contains(NameMatching.normalise(entry.name))
            let idHit = entry.employeeID.map { ids.contains(NameMatching.normaliseEmployeeID($0)) } ?? false
            if nameHit || idHit {
                out.append(Exclusion(accountID: entry.accountID, reason: .namedAsAccused))
            } else if pickedAccountIDs.contains(entry.accountID) {
                out.append(Exclusion(accountID: entry.accountID, reason: .pickedByReporter))
            }
        }
        return out
    }
}

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
                              alternates: Alternates, loginOf: (Int64) -> String?) throws(Unfilled) -> Int64 {
        if let primary = roster.first(where: { $0.role == .approver && $0.seat == seat && !excluded.contains($0.accountID) }) {
            return primary.accountID
        }
        if let login = alternates.alternate(for: seat),
           let alt = roster.first(where: { loginOf($0.accountID) == login && !excluded.contains($0.accountID) }) {
            return alt.accountID
        }
        throw Unfilled(what: "the \(seat.rawValue) seat")
    }

    /// The accounts that take intake: every non-excluded head, else the alternate intake.
    public static func intake(roster: [RosterEntry], excluded: Set<Int64>, alternates: Alternates,
                              loginOf: (Int64) -> String?) throws(Unfilled) -> [Int64] {
        let heads = roster.filter { $0.role == .head && !excluded.contains($0.accountID) }.map(\.accountID)
        if !heads.isEmpty { return heads }
        if let login = alternates.intake,
           let alt = roster.first(where: { loginOf($0.accountID) == login && !excluded.contains($0.accountID) }) {
            return [alt.accountID]
        }
        throw Unfilled(what: "intake")
    }
}
