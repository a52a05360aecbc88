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

    /// The one-string fields of `ReportField.texts`, by `ReportField.name`; absent is blank.
    public var texts: [String: String]
    public var accused: [AccusedPerson]
    public var mode: Mode
    public var identity: Identity?
    public var confidential: Bool
    public var excludedHandlers: Set<Int64>

    public init(category: String = "", narrative: String = "", when: String = "", whereText: String = "",
                people: String = "", accused: [AccusedPerson] = [], estimatedLoss: String = "",
                mode: Mode = .anonymous, identity: Identity? = nil, confidential: Bool = false,
                excludedHandlers: Set<Int64> = []) {
        texts = [:]
        self.accused = accused
        self.mode = mode
        self.identity = identity
        self.confidential = confidential
        self.excludedHandlers = excludedHandlers
        self[.category] = category
        self[.narrative] = narrative
        self[.when] = when
        self[.whereText] = whereText
        self[.people] = people
        self[.estimatedLoss] = estimatedLoss
    }

    public subscript(field: ReportField) -> String {
        get { texts[field.name] ?? "" }
        set { texts[field.name] = newValue.isEmpty ? nil : newValue }
    }

    public var category: String { get { self[.category] } set { self[.category] = newValue } }
    public var narrative: String { get { self[.narrative] } set { self[.narrative] = newValue } }
    public var when: String { get { self[.when] } set { self[.when] = newValue } }
    public var whereText: String { get { self[.whereText] } set { self[.whereText] = newValue } }
    public var people: String { get { self[.people] } set { self[.people] = newValue } }
    public var estimatedLoss: String { get { self[.estimatedLoss] } set { self[.estimatedLoss] = newValue } }

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

    /// Every problem at once, so that the reporter fixes them in one go: the report's fields in
    /// `ReportField.all`'s order, then the identity.
    public func validate(categories: [Settings.Category]) -> [FieldError] {
        var errors: [FieldError] = []
        for field in ReportField.all {
            switch field.kind {
            case .persons: errors += validatePersons(field)
            default: errors += validateText(field, categories: categories)
            }
        }
        if mode == .realName { errors += validateIdentity() }
        return errors
    }

    private static func length(_ s: String) -> Int { s.unicodeScalars.count }
    private static func blank(_ s: String) -> Bool { s.allSatisfy { $0.isWhitespace } }
    private static func tooLong(_ field: String, _ value: String, _ limit: Int) -> [FieldError] {
        guard length(value) > limit else { return [] }
        return [FieldError(field: field, zh: "内容过长：最多 \(limit) 字。", en: "Too long: at most \(limit) characters.")]
    }

    private func validateText(_ field: ReportField, categories: [Settings.Category]) -> [FieldError] {
        let value = self[field]
        var errors: [FieldError] = []
        let absent = field.kind == .choice ? !categories.contains(where: { $0.id == value }) : Self.blank(value)
        if absent, let missing = field.missing {
            errors.append(FieldError(field: field.name, zh: missing.zh, en: missing.en))
        }
        switch field.kind {
        case .line, .longText:
            errors += Self.tooLong(field.name, value, field.limit)
        case .money where !Self.blank(value):
            do { _ = try Fen(parsingYuan: value) } catch {
                errors.append(FieldError(field: field.name, zh: "被侵害价值请用数字填写（元），例如 12000 或 12,000.50。",
                                         en: error.description))
            }
        case .money, .choice, .persons:
            break
        }
        return errors
    }

    private func validatePersons(_ field: ReportField) -> [FieldError] {
        var errors: [FieldError] = []
        if accused.count > field.limit {
            errors.append(FieldError(field: field.name, zh: "被举报人最多 \(field.limit) 人。",
                                     en: "At most \(field.limit) people reported."))
        }
        for (i, person) in accused.enumerated() {
            // A name or an employee id says who; a post alone could be anyone in it.
            if Self.blank(person.name) && Self.blank(person.employeeIDText) && !Self.blank(person.post) {
                errors.append(FieldError(field: PersonPart.name.formName(row: i), zh: "请填写被举报人的姓名或工号，或清空其岗位。",
                                         en: "Give the name or the employee ID of the person reported, or clear the post."))
            }
            for part in PersonPart.all {
                errors += Self.tooLong(part.formName(row: i), person[part], part.limit)
            }
        }
        return errors
    }

    private func validateIdentity() -> [FieldError] {
        var errors: [FieldError] = []
        let identity = identity ?? Identity(name: "", phone: "", otherContact: "")
        if Self.blank(identity.name) {
            errors.append(FieldError(field: "identity_name", zh: "实名举报请填写姓名。", en: "A real-name report needs your name."))
        }
        if Self.blank(identity.phone) && Self.blank(identity.otherContact) {
            errors.append(FieldError(field: "identity_phone", zh: "请留下电话或其他联系方式。",
                                     en: "Leave a phone number or another way to reach you."))
        }
        errors += Self.tooLong("identity_name", identity.name, Limits.name)
        errors += Self.tooLong("identity_phone", identity.phone, Limits.name)
        errors += Self.tooLong("identity_contact", identity.otherContact, Limits.shortField)
        return errors
    }

    /// The accused with blank rows dropped (a form shows a few empty rows).
    public var namedAccused: [AccusedPerson] {
        accused.filter { !$0.name.allSatisfy(\.isWhitespace) || !$0.employeeIDText.allSatisfy(\.isWhitespace) }
    }
}
