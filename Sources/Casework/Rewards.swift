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

/// A record that the department knew of the matter before (a prior-knowledge record, art. 14).
///
/// Nobody types its date. It is entered on the case as a fact (what was known, where it came
/// from), and the server dates it the day it is entered. Where the knowledge came from an earlier
/// case in the register, that case's received day (also the server's, from its intake) is when
/// the department knew. So a head alone cannot back-date knowledge: a record entered after the
/// report arrived counts against it only through an earlier case anyone holding both can check.
public struct PriorKnowledge: Equatable, Sendable {
    public enum Kind: String, CaseIterable, Codable, Sendable {
        case discovered
        case investigating
        case measuresTaken = "measures_taken"
    }
    public var kind: Kind
    /// The server's day when the record was entered.
    public var enteredOn: Day
    /// The received day of the earlier case named as the source, if one is.
    public var sourceReceivedOn: Day?

    public init(kind: Kind, enteredOn: Day, sourceReceivedOn: Day? = nil) {
        self.kind = kind
        self.enteredOn = enteredOn
        self.sourceReceivedOn = sourceReceivedOn
    }

    /// Since when the department demonstrably knew: the earlier of the two server days.
    public var knownSince: Day { min(enteredOn, sourceReceivedOn ?? enteredOn) }
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
    /// Decides eligibility from the records, never from a typed date.
    ///
    /// A prior-knowledge record counts against the report only if the department knew strictly
    /// before the day the report was received (`knownSince`, from server days only): dates are
    /// kept to the day, and knowledge from the same day cannot be shown to predate the report, so
    /// the doubt goes to the reporter. Between two reports on
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
        for record in priorKnowledge.sorted(by: { $0.knownSince < $1.knownSince }) where record.knownSince < receivedOn {
            switch record.kind {
            case .discovered: reasons.append(.alreadyDiscovered(recordedOn: record.knownSince))
            case .investigating: reasons.append(.alreadyUnderInvestigation(recordedOn: record.knownSince))
            case .measuresTaken: reasons.append(.measuresAlreadyTaken(recordedOn: record.knownSince))
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
