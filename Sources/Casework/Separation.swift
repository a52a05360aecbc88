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
    /// The account's post as the company writes it (财务部经理); nil when never entered.
    public var post: String?

    public init(accountID: Int64, name: String, employeeID: String?, role: Role, seat: Seat? = nil, post: String? = nil) {
        self.accountID = accountID
        self.name = name
        self.employeeID = employeeID
        self.role = role
        self.seat = seat
        self.post = post
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

public struct Exclusion: Equatable, Sendable {
    public enum Reason: String, Sendable {
        case namedAsAccused = "named_as_accused"
        case pickedByReporter = "picked_by_reporter"
        case recused
    }
    /// What in the report made an account match a person named as accused: shown to the head so
    /// that an ambiguous match can be understood (the account stays excluded; art. 10).
    public enum Basis: String, Sendable, CaseIterable {
        case employeeID = "employee_id"
        case fullName = "full_name"
        /// A surname and a title ("王部长") that fit the account's post or role.
        case surnameAndTitle = "surname_title"
        /// The post names the account's seat, or the heads (董事长, 党委书记, 纪检监察部负责人),
        /// or equals the account's post.
        case post
        /// The report could mean this account but does not say enough to tell ("老王", a surname
        /// and a title with no post on record, "书记" alone).
        case ambiguous
    }
    public var accountID: Int64
    public var reason: Reason
    /// Set for `namedAsAccused`: why the account matched.
    public var basis: Basis?

    public init(accountID: Int64, reason: Reason, basis: Basis? = nil) {
        self.accountID = accountID
        self.reason = reason
        self.basis = basis
    }
}

public enum Separation {
    /// The accounts excluded from a report. Any sign that a named person may be an account
    /// excludes it: a false match costs one handler their view of one case, a missed match hands
    /// a report to the person it accuses. Run at every grant, not only at intake, against the
    /// roster as it is then (accounts created or renamed later are matched too).
    public static func exclusions(accused: [AccusedPerson], pickedAccountIDs: Set<Int64>,
                                  roster: [RosterEntry]) -> [Exclusion] {
        var out: [Exclusion] = []
        for entry in roster {
            if let basis = accused.compactMap({ match($0, entry) }).min(by: { rank($0) < rank($1) }) {
                out.append(Exclusion(accountID: entry.accountID, reason: .namedAsAccused, basis: basis))
            } else if pickedAccountIDs.contains(entry.accountID) {
                out.append(Exclusion(accountID: entry.accountID, reason: .pickedByReporter))
            }
        }
        return out
    }

    /// The firmest basis first, so the head reads the strongest reason.
    static func rank(_ b: Exclusion.Basis) -> Int {
        [.employeeID, .fullName, .post, .surnameAndTitle, .ambiguous].firstIndex(of: b) ?? 9
    }

    /// Whether one named person may be one roster account, and on the firmest basis found.
    public static func match(_ person: AccusedPerson, _ entry: RosterEntry) -> Exclusion.Basis? {
        var found: [Exclusion.Basis] = []
        if let id = person.employeeID.map(NameMatching.normaliseEmployeeID), !id.isEmpty,
           entry.employeeID.map(NameMatching.normaliseEmployeeID) == id {
            found.append(.employeeID)
        }
        let accountName = NameMatching.normalise(entry.name)
        let typed = NameMatching.normalise(person.name)
        if !typed.isEmpty && typed == accountName { found.append(.fullName) }
        if let basis = postMatch(person, entry) { found.append(basis) }
        if let basis = nameReadingMatch(NameMatching.read(person.name), entry, accountName: accountName) { found.append(basis) }
        return found.min { rank($0) < rank($1) }
    }

    /// The post field on its own: it names a seat or the heads (a company has one chairman, so
    /// a misspelt name does not save the seat holder), or it is the account's own post.
    static func postMatch(_ person: AccusedPerson, _ entry: RosterEntry) -> Exclusion.Basis? {
        let holders = PostMatching.holders(ofPost: person.post)
        let seatHit = entry.role == .approver && (entry.seat.map(holders.seats.contains) ?? false)
        if seatHit || (holders.heads && entry.role == .head) { return holders.ambiguous ? .ambiguous : .post }
        let typedPost = NameMatching.normalise(person.post)
        if !typedPost.isEmpty, let own = entry.post.map(NameMatching.normalise), own == typedPost { return .post }
        return nil
    }

    static func nameReadingMatch(_ reading: NameMatching.Reading, _ entry: RosterEntry, accountName: String) -> Exclusion.Basis? {
        if let full = reading.fullName, full == accountName { return .fullName }
        guard let surname = reading.surnameOnly, NameMatching.surname(of: entry.name) == surname else { return nil }
        guard let title = reading.title else { return .ambiguous }
        switch PostMatching.title(title, fits: entry) {
        case true?: return .surnameAndTitle
        case false?: return nil
        case nil: return .ambiguous
        }
    }
}
