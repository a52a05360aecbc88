/// The facts a reporter gives (art. 5), one entry per field. This table is the report: the form
/// and the offline form are built from it, `ReportDraft.validate` walks it, the sealed `report`
/// blob is encoded from it, the JSON API reads it, the case page and the staff API show it, and a
/// test holds `docs/openapi.json` to it. README "How to add a report field" says what else a new
/// entry needs (its labels in the catalogs, its line in openapi.json).
///
/// The order is the order of the error list and of the form within its fieldset; `.persons`
/// fields have a fieldset of their own, which is why `accused` can sit before `loss` here (the
/// error summary has always listed the accused first) while the form shows it after.
public struct ReportField: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// One of the settings' categories.
        case choice
        /// One line of text.
        case line
        /// Paragraphs of text.
        case longText
        /// Yuan as the reporter wrote it; checked by `Fen(parsingYuan:)`, kept as written.
        case money
        /// Rows of `PersonPart`s. Sealed in a blob of its own (`accused`), not in `report`:
        /// Separation reads it at intake and the inbox never does.
        case persons
    }

    /// The name in the form, in the JSON API (request and staff case), and in templates.
    public let name: String
    /// The key in the sealed `report` JSON; differs from `name` only where old blobs say so.
    public let sealedKey: String
    public let kind: Kind
    /// Blank (or, for `.choice`, not a known category) is refused with `missing`.
    public let missing: FieldMessage?
    /// In characters (Unicode scalars), for the form's `maxlength` and for validation; for
    /// `.persons` the number of rows.
    public let limit: Int
    /// Translation keys (Templates/i18n) of the label and of the hint under it.
    public let label: String
    public let hint: String?

    public var required: Bool { missing != nil }

    public init(_ name: String, sealedKey: String? = nil, _ kind: Kind, missing: FieldMessage? = nil, limit: Int,
                label: String, hint: String? = nil) {
        self.name = name
        self.sealedKey = sealedKey ?? name
        self.kind = kind
        self.missing = missing
        self.limit = limit
        self.label = label
        self.hint = hint
    }

    /// What a reporter is told, in both languages.
    public struct FieldMessage: Sendable, Hashable {
        public let zh: String
        public let en: String
        public init(zh: String, en: String) {
            self.zh = zh
            self.en = en
        }
    }

    public static let category = ReportField("category", .choice, missing: .init(zh: "请选择举报事项类别。", en: "Choose a category."),
                                             limit: ReportDraft.Limits.shortField, label: "field_category")
    public static let narrative = ReportField("narrative", .longText, missing: .init(zh: "请说明事情经过。", en: "Say what happened."),
                                              limit: ReportDraft.Limits.narrative, label: "field_narrative", hint: "hint_narrative")
    public static let when = ReportField("when", .line, limit: ReportDraft.Limits.shortField, label: "field_when")
    public static let whereText = ReportField("where", .line, limit: ReportDraft.Limits.shortField, label: "field_where")
    public static let people = ReportField("people", .line, limit: ReportDraft.Limits.shortField, label: "field_people")
    public static let accused = ReportField("accused", .persons, limit: ReportDraft.Limits.accused, label: "field_accused",
                                            hint: "hint_accused")
    /// The form's `maxlength` only: `Fen(parsingYuan:)` refuses what is too large.
    public static let estimatedLoss = ReportField("loss", sealedKey: "estimated_loss", .money, limit: 30, label: "field_loss",
                                                  hint: "hint_loss")

    public static let all: [ReportField] = [.category, .narrative, .when, .whereText, .people, .accused, .estimatedLoss]

    /// The fields whose value is one string (everything but `.persons`).
    public static var texts: [ReportField] { all.filter { $0.kind != .persons } }
    /// What the case page and the staff API list as the report's facts: the category is shown
    /// from the case (staff may reclassify it), the accused in a list of their own.
    public static var facts: [ReportField] { all.filter { $0.kind != .persons && $0.kind != .choice } }
}

/// One column of an accused person's row. `employee_id` is in `AccusedPerson` (Separation
/// matches on it) but not yet asked for: adding it to `all` is all the model needs.
public struct PersonPart: Sendable, Hashable {
    /// `accused_<key>_<row>` in the form, `<key>` in JSON.
    public let key: String
    public let limit: Int
    public let label: String
    public let value: WritableKeyPath<AccusedPerson, String> & Sendable

    public init(_ key: String, _ value: WritableKeyPath<AccusedPerson, String> & Sendable, limit: Int, label: String) {
        self.key = key
        self.value = value
        self.limit = limit
        self.label = label
    }

    public static let name = PersonPart("name", \.name, limit: ReportDraft.Limits.name, label: "accused_name")
    public static let post = PersonPart("post", \.post, limit: ReportDraft.Limits.name, label: "accused_post")
    public static let employeeID = PersonPart("employee_id", \.employeeIDText, limit: ReportDraft.Limits.name,
                                              label: "accused_employee_id")

    public static let all: [PersonPart] = [.name, .post, .employeeID]

    /// The form field for this part in row `row`.
    public func formName(row: Int) -> String { "accused_\(key)_\(row)" }

    public static func == (a: PersonPart, b: PersonPart) -> Bool { a.key == b.key }
    public func hash(into hasher: inout Hasher) { hasher.combine(key) }
}

extension AccusedPerson {
    /// The employee id as a form holds it: blank is none, so a sealed row without one stays as
    /// it always was.
    public var employeeIDText: String {
        get { employeeID ?? "" }
        set { employeeID = newValue.isEmpty ? nil : newValue }
    }

    public subscript(part: PersonPart) -> String {
        get { self[keyPath: part.value] }
        set { self[keyPath: part.value] = newValue }
    }
}
