/// What a reporter submits (art. 5), before it is sealed. Validation lives here so that the web
/// form and the JSON API refuse the same things with the same words.
public struct ReportDraft: Equatable, Sendable {
    public enum Mode: String, CaseIterable, Sendable {
        case anonymous
        case realName = "real_name"
    }

    public struct Identity: Equatable, Sendable, Codable {
        public var name: String
        public var phone: String
        public var otherContact: String

        public init(name: String, phone: String, otherContact: String) {
            self.name = name
            self.phone = phone
            self.otherContact = otherContact
        }

        enum CodingKeys: String, CodingKey {
            case name, phone
            case otherContact = "other_contact"
        }
    }

    public var category: String
    public var narrative: String
    public var when: String
    public var whereText: String
    public var people: String
    public var accused: [AccusedPerson]
    public var estimatedLoss: String
    public var mode: Mode
    public var identity: Identity?
    public var confidential: Bool
    public var excludedHandlers: Set<Int64>

    public init(category: String = "", narrative: String = "", when: String = "", whereText: String = "",
                people: String = "", accused: [AccusedPerson] = [], estimatedLoss: String = "",
                mode: Mode = .anonymous, identity: Identity? = nil, confidential: Bool = false,
                excludedHandlers: Set<Int64> = []) {
        self.category = category
        self.narrative = narrative
        self.when = when
        self.whereText = whereText
        self.people = people
        self.accused = accused
        self.estimatedLoss = estimatedLoss
        self.mode = mode
        self.identity = identity
        self.confidential = confidential
        self.excludedHandlers = excludedHandlers
    }

    /// Field limits, in characters (Unicode scalars, so a Chinese character counts once).
    public enum Limits {
        public static let narrative = 20_000
        public static let shortField = 500
        public static let accused = 20
        public static let name = 100
    }

    /// One problem with one field, said so that the reporter knows what to fix.
    public struct FieldError: Equatable, Sendable {
        public var field: String
        public var zh: String
        public var en: String
    }

    /// Every problem at once, so that the reporter fixes them in one go.
    public func validate(categories: [Settings.Category]) -> [FieldError] {
        var errors: [FieldError] = []
        func length(_ s: String) -> Int { s.unicodeScalars.count }
        func blank(_ s: String) -> Bool { s.allSatisfy { $0.isWhitespace } }
        func tooLong(_ field: String, _ value: String, _ limit: Int) {
            if length(value) > limit {
                errors.append(FieldError(field: field, zh: "内容过长：最多 \(limit) 字。",
                                         en: "Too long: at most \(limit) characters."))
            }
        }
        if !categories.contains(where: { $0.id == category }) {
            errors.append(FieldError(field: "category", zh: "请选择举报事项类别。", en: "Choose a category."))
        }
        if blank(narrative) {
            errors.append(FieldError(field: "narrative", zh: "请说明事情经过。", en: "Say what happened."))
        }
        tooLong("narrative", narrative, Limits.narrative)
        tooLong("when", when, Limits.shortField)
        tooLong("where", whereText, Limits.shortField)
        tooLong("people", people, Limits.shortField)
        if accused.count > Limits.accused {
            errors.append(FieldError(field: "accused", zh: "被举报人最多 \(Limits.accused) 人。",
                                     en: "At most \(Limits.accused) people reported."))
        }
        for (i, person) in accused.enumerated() {
            if blank(person.name) && !blank(person.post) {
                errors.append(FieldError(field: "accused_name_\(i)", zh: "请填写被举报人姓名，或清空其岗位。",
                                         en: "Give the name of the person reported, or clear the post."))
            }
            tooLong("accused_name_\(i)", person.name, Limits.name)
            tooLong("accused_post_\(i)", person.post, Limits.name)
        }
        if !blank(estimatedLoss) {
            do { _ = try Fen(parsingYuan: estimatedLoss) } catch {
                errors.append(FieldError(field: "loss", zh: "被侵害价值请用数字填写（元），例如 12000 或 12,000.50。",
                                         en: error.description))
            }
        }
        if mode == .realName {
            let identity = identity ?? Identity(name: "", phone: "", otherContact: "")
            if blank(identity.name) {
                errors.append(FieldError(field: "identity_name", zh: "实名举报请填写姓名。", en: "A real-name report needs your name."))
            }
            if blank(identity.phone) && blank(identity.otherContact) {
                errors.append(FieldError(field: "identity_phone", zh: "请留下电话或其他联系方式。",
                                         en: "Leave a phone number or another way to reach you."))
            }
            tooLong("identity_name", identity.name, Limits.name)
            tooLong("identity_phone", identity.phone, Limits.name)
            tooLong("identity_contact", identity.otherContact, Limits.shortField)
        }
        return errors
    }

    /// The accused with blank rows dropped (a form shows a few empty rows).
    public var namedAccused: [AccusedPerson] {
        accused.filter { !$0.name.allSatisfy(\.isWhitespace) }
    }
}
