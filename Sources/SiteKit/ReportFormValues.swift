import Casework
import Presentation

/// The report form as templates see it, built from `ReportField.all`, so that the reporter's form
/// and the head's offline form show a new field without a template change. Labels are looked up
/// here, not with `{{@key}}`, because the key comes from the table; `ReportFormValuesTests`
/// holds every key to both catalogs as the template loader does for its own.
public struct ReportFormValues {
    let draft: ReportDraft
    let errors: [String: String]
    let language: Language
    let text: (String) -> String

    public init(draft: ReportDraft, errors: [ReportDraft.FieldError], language: Language, text: @escaping (String) -> String) {
        self.draft = draft
        var first: [String: String] = [:]
        for e in errors where first[e.field] == nil { first[e.field] = language == .zh ? e.zh : e.en }
        self.errors = first
        self.language = language
        self.text = text
    }

    /// The errors for the box above the form: each field once, each text once, in the order found.
    public static func summary(_ errors: [ReportDraft.FieldError], language: Language) -> [(field: String, text: String)] {
        var fields = Set<String>(), texts = Set<String>()
        var out: [(field: String, text: String)] = []
        for e in errors {
            let text = language == .zh ? e.zh : e.en
            guard !fields.contains(e.field), !texts.contains(text) else { continue }
            fields.insert(e.field)
            texts.insert(text)
            out.append((e.field, text))
        }
        return out
    }

    /// The first error of each field, for the line above it.
    public var fieldErrors: TemplateValue { .object(errors.mapValues(TemplateValue.text)) }

    /// `report_fields`: every one-string field, in the table's order, with one of the flags
    /// `choice`, `long`, `line`, `money` saying which control the template draws.
    public func fields(categories: [Settings.Category]) -> TemplateValue {
        .list(ReportField.texts.map { field in
            let options = field.kind == .choice ? categories.map { c -> TemplateValue in
                ["id": .text(c.id), "label": .text(language == .zh ? c.zh : c.en), "selected": .bool(c.id == draft[field])]
            } : []
            return [
                "name": .text(field.name), "label": .text(text(field.label)), "hint": .text(field.hint.map(text) ?? ""),
                "value": .text(draft[field]), "error": .text(errors[field.name] ?? ""), "required": .bool(field.required),
                "maxlength": .text(String(field.limit)), "options": .list(options),
                "choice": .bool(field.kind == .choice), "long": .bool(field.kind == .longText),
                "line": .bool(field.kind == .line), "money": .bool(field.kind == .money),
            ]
        })
    }

    /// `accused_rows`: at least `count` rows, more if the draft has them; each row's `parts` are
    /// `PersonPart.all`, and its `error` is the one said about the row (filed under its name).
    public func accusedRows(count: Int) -> TemplateValue {
        .list((0..<max(count, draft.accused.count)).map { i -> TemplateValue in
            let person = i < draft.accused.count ? draft.accused[i] : AccusedPerson(name: "", post: "")
            let rowError = errors[PersonPart.name.formName(row: i)] != nil
            let parts = PersonPart.all.map { part -> TemplateValue in
                // The row's error is said about its name: that input is the one marked invalid.
                ["name": .text(part.formName(row: i)), "label": .text(text(part.label)), "value": .text(person[part]),
                 "maxlength": .text(String(part.limit)),
                 "invalid": .bool(rowError && part.formName(row: i) == PersonPart.name.formName(row: i))]
            }
            return ["index": .text(String(i)), "number": .text(String(i + 1)), "parts": .list(parts),
                    "error": .text(errors[PersonPart.name.formName(row: i)] ?? "")]
        })
    }

    /// The identity's fields, which are not the report's (sealed apart, art. 16).
    public var identity: TemplateValue {
        let identity = draft.identity ?? .init(name: "", phone: "", otherContact: "")
        return ["identity_name": .text(identity.name), "identity_phone": .text(identity.phone),
                "identity_contact": .text(identity.otherContact)]
    }
}
