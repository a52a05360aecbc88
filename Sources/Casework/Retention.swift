/// How long a closed case is kept before it is crypto-shredded (every blob, grant and key deleted).
public struct RetentionRules: Equatable, Sendable, Codable {
    /// Months after closing for a case that was substantiated.
    public var closedMonths: Int
    /// Months after closing for a case that was not substantiated, refused or not actionable; may
    /// be shorter, since keeping unproven allegations longer only adds risk to the people named.
    public var unsubstantiatedMonths: Int

    public init(closedMonths: Int = 24, unsubstantiatedMonths: Int = 24) {
        self.closedMonths = closedMonths
        self.unsubstantiatedMonths = unsubstantiatedMonths
    }

    /// The first day on which the case may be purged; nil while it is open or under legal hold.
    public func purgeDay(state: CaseState, outcome: Outcome?, closedOn: Day?, legalHold: Bool) -> Day? {
        guard state.isClosed, let closedOn, !legalHold else { return nil }
        let months = outcome == .substantiated ? closedMonths : unsubstantiatedMonths
        return closedOn.adding(months: months)
    }
}
