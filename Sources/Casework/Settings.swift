import Foundation

/// The organisation's configuration, one documented JSON file (`docs/configuration.md`).
/// Everything policy-shaped that a company may need to change lives here, not in code.
public struct Settings: Equatable, Sendable, Codable {
    /// Art. 15: the published channels.
    public struct Channels: Equatable, Sendable, Codable {
        public var postalAddress: String
        public var postcode: String
        public var phone: String
        public var email: String
        /// Bodies outside the company a reporter may also turn to (for example the local
        /// commission for discipline inspection), shown on the landing page.
        public var external: [String]

        public init(postalAddress: String, postcode: String, phone: String, email: String, external: [String]) {
            self.postalAddress = postalAddress
            self.postcode = postcode
            self.phone = phone
            self.email = email
            self.external = external
        }

        enum CodingKeys: String, CodingKey {
            case postalAddress = "postal_address", postcode, phone, email, external
        }
    }

    public struct Category: Equatable, Sendable, Codable {
        public var id: String
        public var zh: String
        public var en: String
        public init(id: String, zh: String, en: String) {
            self.id = id
            self.zh = zh
            self.en = en
        }
    }

    public var organisation: String
    public var channels: Channels
    public var categories: [Category]
    public var deadlines: DeadlineRules
    public var calendar: WorkingCalendar
    public var rewardBands: RewardBands
    public var alternates: Alternates
    public var retention: RetentionRules
    /// Offset of the organisation's time zone from UTC, in minutes (China: 480). Submission days
    /// and deadlines are counted in it.
    public var utcOffsetMinutes: Int
    /// Staff e-mail notices (docs/configuration.md); off unless a transport is chosen.
    public var notifications: NotificationSettings
    /// The scrypt cost of new tracking codes. Each case stores the cost its code was made with
    /// and a lookup tries every cost in use, so raising this orphans no code.
    public var trackingCodeCost: TrackingCodeCost = TrackingCodeCost()
    /// Issue 17: the bodies a case may be handed over to, with their public keys.
    public var escalationRecipients: [EscalationRecipient] = []

    enum CodingKeys: String, CodingKey {
        case organisation, channels, categories, deadlines, calendar
        case rewardBands = "reward_bands", alternates, retention
        case utcOffsetMinutes = "utc_offset_minutes"
        case notifications
        case trackingCodeCost = "tracking_code_cost"
        case escalationRecipients = "escalation_recipients"
    }

    public static let defaultCategories: [Category] = [
        Category(id: "private_contracting", zh: "借用公司身份私自承揽热力工程施工", en: "Taking private heating-engineering contracts in the company's name"),
        Category(id: "bribery", zh: "索贿受贿、吃拿卡要", en: "Bribery and extortion"),
        Category(id: "embezzlement", zh: "贪污挪用公司资金资产", en: "Embezzlement or misuse of company funds and assets"),
        Category(id: "procurement", zh: "采购、招投标违规", en: "Procurement and tendering irregularities"),
        Category(id: "customer_harm", zh: "损害用户利益、扰乱发展用户秩序", en: "Harm to customers; disrupting customer connections"),
        Category(id: "dereliction", zh: "失职渎职", en: "Dereliction of duty"),
        Category(id: "conduct", zh: "违反廉洁纪律和作风问题", en: "Breaches of integrity rules and conduct"),
        Category(id: "other", zh: "其他损害群众、公司利益的行为", en: "Other harm to the public or the company"),
    ]

    public static let `default` = Settings(
        organisation: "XXXXXX有限责任公司",
        channels: Channels(postalAddress: "XXXXXXXXXXXXXXX", postcode: "XXXXXXXX", phone: "XXXXXXXXXX",
                           email: "XXXXXX@XXXX", external: []),
        categories: defaultCategories,
        deadlines: DeadlineRules(),
        calendar: WorkingCalendar(),
        rewardBands: .policyDefault,
        alternates: Alternates(),
        retention: RetentionRules(),
        utcOffsetMinutes: 480)

    public init(organisation: String, channels: Channels, categories: [Category], deadlines: DeadlineRules,
                calendar: WorkingCalendar, rewardBands: RewardBands, alternates: Alternates,
                retention: RetentionRules, utcOffsetMinutes: Int, notifications: NotificationSettings = NotificationSettings()) {
        self.organisation = organisation
        self.channels = channels
        self.categories = categories
        self.deadlines = deadlines
        self.calendar = calendar
        self.rewardBands = rewardBands
        self.alternates = alternates
        self.retention = retention
        self.utcOffsetMinutes = utcOffsetMinutes
        self.notifications = notifications
    }

    public struct Invalid: Error, Equatable, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// Reads the JSON file; a missing key takes its default, a wrong one is named in the error.
    public static func load(json: [UInt8]) throws -> Settings {
        let decoder = JSONDecoder()
        let settings: Settings
        do {
            guard let given = try JSONSerialization.jsonObject(with: Data(json)) as? [String: Any] else {
                throw Invalid(description: "settings: the file must hold one JSON object")
            }
            let defaults = try JSONSerialization.jsonObject(with: Data(Settings.default.encodedJSON())) as? [String: Any] ?? [:]
            let merged = try JSONSerialization.data(withJSONObject: overlay(given, on: defaults))
            settings = try decoder.decode(Settings.self, from: merged)
        } catch let error as Invalid {
            throw error
        } catch let error as NSError where error.domain == NSCocoaErrorDomain {
            throw Invalid(description: "settings: not valid JSON (\(error.localizedDescription))")
        } catch let DecodingError.keyNotFound(key, context) {
            throw Invalid(description: "settings: missing \"\(key.stringValue)\" at \(path(context.codingPath))")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw Invalid(description: "settings: wrong type at \(path(context.codingPath)): \(context.debugDescription)")
        } catch let DecodingError.dataCorrupted(context) {
            throw Invalid(description: "settings: \(context.debugDescription) at \(path(context.codingPath))")
        }
        try settings.validate()
        return settings
    }

    /// Keys present in `given` win; objects are merged key by key, so that a file naming only
    /// `channels.phone` keeps every other default. Arrays are replaced whole.
    private static func overlay(_ given: [String: Any], on base: [String: Any]) -> [String: Any] {
        var out = base
        for (key, value) in given {
            if let object = value as? [String: Any], let baseObject = base[key] as? [String: Any] {
                out[key] = overlay(object, on: baseObject)
            } else {
                out[key] = value
            }
        }
        return out
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.isEmpty ? "the top level" : keys.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }

    public func validate() throws {
        do { try rewardBands.validate() } catch { throw Invalid(description: "settings: \(error.description)") }
        guard !categories.isEmpty else { throw Invalid(description: "settings: at least one category is needed") }
        guard Set(categories.map(\.id)).count == categories.count else {
            throw Invalid(description: "settings: category ids must be unique")
        }
        guard deadlines.registerWithinDays > 0, deadlines.acceptanceNoticeWithinWorkingDays > 0,
              deadlines.feedbackWithinMonths > 0, deadlines.dueSoonDays >= 0 else {
            throw Invalid(description: "settings: deadlines must be positive")
        }
        guard retention.closedMonths > 0, retention.unsubstantiatedMonths > 0 else {
            throw Invalid(description: "settings: retention periods must be positive")
        }
        guard (-14 * 60...14 * 60).contains(utcOffsetMinutes) else {
            throw Invalid(description: "settings: utc_offset_minutes must be within ±840")
        }
        if let problem = notifications.problems().first { throw Invalid(description: "settings: \(problem)") }
        if let problem = trackingCodeCost.problem { throw Invalid(description: "settings: \(problem)") }
    }

    public func encodedJSON() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(self))
    }

    public func category(_ id: String) -> Category? { categories.first { $0.id == id } }
}

extension DeadlineRules {
    enum CodingKeys: String, CodingKey {
        case registerWithinDays = "register_within_days"
        case acceptanceNoticeWithinWorkingDays = "acceptance_notice_within_working_days"
        case feedbackWithinMonths = "feedback_within_months"
        case dueSoonDays = "due_soon_days"
    }
}

extension WorkingCalendar {
    enum CodingKeys: String, CodingKey {
        case holidays
        case makeUpWorkdays = "make_up_workdays"
    }
}

extension RewardBand {
    enum CodingKeys: String, CodingKey {
        case lossFrom = "loss_from_fen"
        case lossBelow = "loss_below_fen"
        case minimum = "reward_min_fen"
        case maximum = "reward_max_fen"
    }
}

extension RetentionRules {
    enum CodingKeys: String, CodingKey {
        case closedMonths = "closed_months"
        case unsubstantiatedMonths = "unsubstantiated_months"
    }
}

/// scrypt's N = 2^logN, r and p for tracking codes. The floor is the reporter issue's
/// (2^14, 8, 1); the ceiling keeps one derivation within 1 GiB.
public struct TrackingCodeCost: Codable, Equatable, Sendable {
    public var logN: Int
    public var r: Int
    public var p: Int

    public init(logN: Int = 14, r: Int = 8, p: Int = 1) {
        self.logN = logN
        self.r = r
        self.p = p
    }

    enum CodingKeys: String, CodingKey {
        case logN = "log_n", r, p
    }

    /// Why this cost is refused, or nil. Below the floor a stolen database plus pepper is
    /// searched faster than the design allows; above the ceiling a lookup could exhaust memory.
    public var problem: String? {
        guard (14...20).contains(logN), (8...32).contains(r), (1...16).contains(p) else {
            return "tracking_code_cost needs log_n 14...20, r 8...32, p 1...16"
        }
        guard (128 << logN) * r <= 1 << 30 else { return "tracking_code_cost needs at most 1 GiB (128 × 2^log_n × r)" }
        return nil
    }
}
