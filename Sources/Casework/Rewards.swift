/// Art. 13 (奖励标准) and art. 14 (不予奖励情形).
///
/// Art. 13: a verified harm with a loss under 50,000 yuan earns 100–1,000 yuan; a loss of
/// 50,000 yuan or more earns 500–5,000 yuan ("5万元以上" includes 50,000 itself, so exactly
/// 50,000 falls in the upper band). The bands are configuration; these are the defaults.
public struct RewardBand: Equatable, Sendable, Codable {
    /// The band applies to a verified loss ≥ `lossFrom` (inclusive) …
    public var lossFrom: Fen
    /// … and < `lossBelow` (exclusive); nil: no upper end.
    public var lossBelow: Fen?
    public var minimum: Fen
    public var maximum: Fen

    public init(lossFrom: Fen, lossBelow: Fen?, minimum: Fen, maximum: Fen) {
        self.lossFrom = lossFrom
        self.lossBelow = lossBelow
        self.minimum = minimum
        self.maximum = maximum
    }

    public func contains(loss: Fen) -> Bool {
        loss >= lossFrom && (lossBelow.map { loss < $0 } ?? true)
    }
}

public struct RewardBands: Equatable, Sendable, Codable {
    public var bands: [RewardBand]

    public init(bands: [RewardBand]) { self.bands = bands }

    /// Art. 13 as written.
    public static let policyDefault = RewardBands(bands: [
        RewardBand(lossFrom: .yuan(0), lossBelow: .yuan(50_000), minimum: .yuan(100), maximum: .yuan(1_000)),
        RewardBand(lossFrom: .yuan(50_000), lossBelow: nil, minimum: .yuan(500), maximum: .yuan(5_000)),
    ])

    public struct ConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// Bands must cover every loss from 0 upward without gap or overlap, each with min ≤ max.
    public func validate() throws(ConfigurationError) {
        guard let first = bands.first, first.lossFrom == Fen(0) else {
            throw ConfigurationError(description: "reward bands must start at a loss of 0")
        }
        for (i, band) in bands.enumerated() {
            guard band.minimum.value >= 0, band.minimum <= band.maximum else {
                throw ConfigurationError(description: "reward band \(i + 1): minimum must be between 0 and the maximum")
            }
            if i + 1 < bands.count {
                guard let below = band.lossBelow, below == bands[i + 1].lossFrom, below > band.lossFrom else {
                    throw ConfigurationError(description: "reward band \(i + 1) must end where band \(i + 2) starts")
                }
            } else if band.lossBelow != nil {
                throw ConfigurationError(description: "the last reward band must have no upper end")
            }
        }
    }

    public func band(forLoss loss: Fen) -> RewardBand? {
        bands.first { $0.contains(loss: loss) }
    }
}

/// Art. 14's three reasons for no reward, plus the rule that of several reports on one matter
/// only the earliest is rewarded.
public enum RewardExclusion: Equatable, Sendable {
    /// (1) 被举报的事实系公司纪检监察部已经发现的
    case alreadyDiscovered(recordedOn: Day)
    /// (2) 被举报的事实系公司纪检监察部正在查处的
    case alreadyUnderInvestigation(recordedOn: Day)
    /// (3) 被举报的事实系公司纪检监察部已经采取了相应措施的
    case measuresAlreadyTaken(recordedOn: Day)
    /// Another report on the same matter came first; it, not this one, brought the facts to light.
    case earlierReport(registerNumber: String, receivedOn: Day)

    /// The art. 14 reason number, where there is one.
    public var article14Reason: Int? {
        switch self {
        case .alreadyDiscovered: return 1
        case .alreadyUnderInvestigation: return 2
        case .measuresAlreadyTaken: return 3
        case .earlierReport: return nil
        }
    }
}

/// A record that the department knew of the matter before (a prior-knowledge record).
public struct PriorKnowledge: Equatable, Sendable {
    public enum Kind: String, CaseIterable, Codable, Sendable {
        case discovered
        case investigating
        case measuresTaken = "measures_taken"
    }
    public var kind: Kind
    public var recordedOn: Day

    public init(kind: Kind, recordedOn: Day) {
        self.kind = kind
        self.recordedOn = recordedOn
    }
}

/// Another report linked as being on the same matter.
public struct LinkedReport: Equatable, Sendable {
    public var registerNumber: String
    public var receivedOn: Day
    /// Register numbers are issued in order of arrival; they break a tie on the same day.
    public var sequence: Int64

    public init(registerNumber: String, receivedOn: Day, sequence: Int64) {
        self.registerNumber = registerNumber
        self.receivedOn = receivedOn
        self.sequence = sequence
    }
}

public enum RewardEligibility: Equatable, Sendable {
    case eligible(band: RewardBand)
    case excluded([RewardExclusion])
    /// Only a concluded, substantiated case is assessed (art. 13: "经查实后").
    case notAssessable(String)
}

public enum RewardRule {
    /// Decides eligibility from recorded dates.
    ///
    /// A prior-knowledge record counts against the report only if dated strictly before the day
    /// the report was received: dates are kept to the day, and a record made the same day cannot
    /// be shown to predate the report, so the doubt goes to the reporter. Between two reports on
    /// the same day, the one registered first (lower sequence) is the earlier.
    public static func assess(outcome: Outcome?, state: CaseState, verifiedLoss: Fen?, receivedOn: Day,
                              sequence: Int64, priorKnowledge: [PriorKnowledge], linkedReports: [LinkedReport],
                              bands: RewardBands) -> RewardEligibility {
        guard state == .concluded || state == .closed, outcome == .substantiated else {
            return .notAssessable("Only a concluded, substantiated case is assessed for a reward (art. 13).")
        }
        guard let loss = verifiedLoss else {
            return .notAssessable("Record the verified loss first: the reward band follows from it (art. 13).")
        }
        guard loss.value >= 0, let band = bands.band(forLoss: loss) else {
            return .notAssessable("The verified loss must be zero or more.")
        }
        var reasons: [RewardExclusion] = []
        for record in priorKnowledge.sorted(by: { $0.recordedOn < $1.recordedOn }) where record.recordedOn < receivedOn {
            switch record.kind {
            case .discovered: reasons.append(.alreadyDiscovered(recordedOn: record.recordedOn))
            case .investigating: reasons.append(.alreadyUnderInvestigation(recordedOn: record.recordedOn))
            case .measuresTaken: reasons.append(.measuresAlreadyTaken(recordedOn: record.recordedOn))
            }
        }
        let earlier = linkedReports.filter {
            $0.receivedOn < receivedOn || ($0.receivedOn == receivedOn && $0.sequence < sequence)
        }
        if let first = earlier.min(by: { ($0.receivedOn, $0.sequence) < ($1.receivedOn, $1.sequence) }) {
            reasons.append(.earlierReport(registerNumber: first.registerNumber, receivedOn: first.receivedOn))
        }
        return reasons.isEmpty ? .eligible(band: band) : .excluded(reasons)
    }

    public struct AmountError: Error, Equatable, Sendable, CustomStringConvertible {
        public let band: RewardBand
        public var description: String {
            "The reward must be between \(band.minimum.yuanText) and \(band.maximum.yuanText) yuan for this loss (art. 13)."
        }
    }

    /// A proposed amount must lie inside the band, edges included.
    public static func checkAmount(_ amount: Fen, in band: RewardBand) throws(AmountError) {
        guard amount >= band.minimum, amount <= band.maximum else { throw AmountError(band: band) }
    }
}
