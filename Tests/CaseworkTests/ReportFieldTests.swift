import XCTest
@testable import Casework

/// The table every report path walks: what it says must be what validation does.
final class ReportFieldTests: XCTestCase {
    let categories = Settings.defaultCategories

    func testNamesAndSealedKeysAreUnique() {
        XCTAssertEqual(Set(ReportField.all.map(\.name)).count, ReportField.all.count)
        XCTAssertEqual(Set(ReportField.all.map(\.sealedKey)).count, ReportField.all.count)
        XCTAssertEqual(Set(PersonPart.all.map(\.key)).count, PersonPart.all.count)
        XCTAssertEqual(PersonPart.all.first, .name, "a row is named by its first part")
    }

    /// Each text field takes exactly its limit and refuses one more, under its own name.
    func testEveryTextFieldsLimitIsWhatValidationEnforces() {
        for field in ReportField.texts where field.kind == .line || field.kind == .longText {
            var draft = ReportDraft(category: "other", narrative: "x")
            draft[field] = String(repeating: "举", count: field.limit)
            XCTAssertEqual(draft.validate(categories: categories), [], field.name)
            draft[field] += "举"
            XCTAssertEqual(draft.validate(categories: categories).map(\.field), [field.name], field.name)
        }
    }

    /// A required field left blank is refused with its own words; an optional one is not.
    func testRequiredFieldsAndOnlyThoseAreRefusedBlank() {
        var full = ReportDraft()
        for field in ReportField.texts { full[field] = field.kind == .choice ? "other" : (field.kind == .money ? "1" : "x") }
        XCTAssertEqual(full.validate(categories: categories), [])
        for field in ReportField.texts {
            var draft = full
            draft[field] = "  "
            let errors = draft.validate(categories: categories)
            if let missing = field.missing {
                XCTAssertEqual(errors, [.init(field: field.name, zh: missing.zh, en: missing.en)], field.name)
            } else {
                XCTAssertEqual(errors, [], field.name)
            }
        }
    }

    func testEveryPersonPartIsLimitedAndKeptPerRow() {
        for part in PersonPart.all {
            var person = AccusedPerson(name: "张三", post: "")
            person[part] = String(repeating: "名", count: part.limit + 1)
            let draft = ReportDraft(category: "other", narrative: "x", accused: [AccusedPerson(name: "李四", post: ""), person])
            XCTAssertEqual(draft.validate(categories: categories).map(\.field), [part.formName(row: 1)], part.key)
        }
        let tooMany = ReportDraft(category: "other", narrative: "x",
                                  accused: Array(repeating: AccusedPerson(name: "张三", post: ""), count: ReportField.accused.limit + 1))
        XCTAssertEqual(tooMany.validate(categories: categories).map(\.field), [ReportField.accused.name])
    }

    /// Blank is no employee id, so a sealed row keeps the shape it had before the part existed.
    func testEmployeeIDPartMapsBlankToNone() {
        var person = AccusedPerson(name: "张三", post: "队长")
        person[.employeeID] = "E-1001"
        XCTAssertEqual(person.employeeID, "E-1001")
        XCTAssertEqual(person[.employeeID], "E-1001")
        person[.employeeID] = ""
        XCTAssertNil(person.employeeID)
        person[.post] = "经理"
        XCTAssertEqual(person, AccusedPerson(name: "张三", post: "经理"))
    }
}
