import Casework
import Foundation
import HTTPCore
import XCTest
@testable import Gateway
@testable import SiteKit
@testable import Casefile
@testable import Presentation

/// The forms are drawn from `ReportField.all`: every field appears, with its label, limit and
/// value, in both languages, on the reporter's form and the head's offline form.
final class ReportFormValuesTests: XCTestCase {
    var cw: ConsoleWorld!

    override func setUpWithError() throws { cw = try ConsoleWorld() }
    override func tearDown() { cw = nil }

    /// Labels come from the table, not from `{{@key}}`, so the loader cannot check them: this does.
    func testEveryLabelAndHintIsInBothCatalogs() throws {
        let library = try TemplateLibrary(directory: templatesFolder)
        let keys = ReportField.all.flatMap { [$0.label] + ($0.hint.map { [$0] } ?? []) } + PersonPart.all.map(\.label)
        for language in Language.allCases {
            for key in keys { XCTAssertNotNil(library.catalogs[language]?[key], "\(language) lacks \(key)") }
        }
    }

    func assertShowsEveryField(_ page: String, _ language: Language, file: StaticString = #filePath, line: UInt = #line) throws {
        let library = try TemplateLibrary(directory: templatesFolder)
        for field in ReportField.texts {
            XCTAssertTrue(page.contains("name=\"\(field.name)\""), field.name, file: file, line: line)
            XCTAssertTrue(page.contains(HTMLEscape.escape(library.text(field.label, language))), field.label, file: file, line: line)
            let control: String
            switch field.kind {
            case .choice: control = "<select id=\"\(field.name)\" name=\"\(field.name)\""
            case .longText: control = "<textarea id=\"\(field.name)\" name=\"\(field.name)\""
            default: control = "<input id=\"\(field.name)\" name=\"\(field.name)\" value=\"\""
            }
            XCTAssertTrue(page.contains(control), field.name, file: file, line: line)
        }
        for part in PersonPart.all {
            XCTAssertTrue(page.contains("name=\"\(part.formName(row: 2))\" value=\"\" maxlength=\"\(part.limit)\""), part.key,
                          file: file, line: line)
        }
        XCTAssertTrue(page.contains("maxlength=\"\(ReportField.narrative.limit)\">"), file: file, line: line)
        XCTAssertFalse(page.contains("field_"), "no untranslated key", file: file, line: line)
    }

    func testTheReportersFormShowsEveryField() throws {
        try assertShowsEveryField(html(try cw.call(.get, "/report")), .zh)
        try assertShowsEveryField(html(try cw.call(.get, "/report?lang=en")), .en)
    }

    func testTheOfflineFormShowsEveryField() throws {
        let head = try cw.signIn("head")
        try assertShowsEveryField(html(try cw.call(.get, "/console/offline", cookie: head.cookie)), .zh)
        try assertShowsEveryField(html(try cw.call(.get, "/console/offline?lang=en", cookie: head.cookie)), .en)
    }

    /// A refused form comes back with every field as it was sent and each error beside its field.
    func testARefusedFormKeepsEveryFieldAndPlacesItsErrors() throws {
        var form = MultipartBody()
        for field in ReportField.texts where field.kind != .choice { form.field(field.name, "VALUE-\(field.name)") }
        // Row 0 has a post but says not who (no name, no employee id): refused. Row 1 has only an
        // employee id, which is enough to say who.
        for part in PersonPart.all where part != .name && part != .employeeID { form.field(part.formName(row: 0), "PART-\(part.key)") }
        form.field(PersonPart.employeeID.formName(row: 1), "PART-\(PersonPart.employeeID.key)")
        form.field("mode", "anonymous")
        let r = try cw.call(.post, "/report?lang=en", multipart: form)
        XCTAssertEqual(r.status.code, 422)
        let page = html(r)
        for field in ReportField.texts where field.kind != .choice {
            XCTAssertTrue(page.contains("VALUE-\(field.name)"), field.name)
        }
        for part in PersonPart.all where part != .name { XCTAssertTrue(page.contains("value=\"PART-\(part.key)\""), part.key) }
        XCTAssertTrue(page.contains("<p class=\"field-error\" id=\"category-error\">Choose a category.</p>"))
        XCTAssertEqual(page.components(separatedBy: "Give the name or the employee ID of the person reported, or clear the post.</p>").count, 2,
                       "row 0 only: an employee id alone says who")
        XCTAssertTrue(page.contains("<a href=\"#loss\">"), "the summary links to the field")
    }

    /// A screen reader hears that a field is wrong, and why, when it reaches the field: the field
    /// says aria-invalid and points at its error line (WCAG 2.1 SC 3.3.1).
    func testFieldsInErrorAreMarkedInvalidAndPointAtTheirError() throws {
        var form = MultipartBody()
        form.field("narrative", "x")
        form.field(PersonPart.post.formName(row: 0), "队长")
        form.field("mode", "real_name")
        let page = html(try cw.call(.post, "/report?lang=en", multipart: form))
        XCTAssertTrue(page.contains("<select id=\"category\" name=\"category\" required aria-invalid=\"true\" aria-describedby=\"category-error\">"))
        XCTAssertTrue(page.contains("id=\"category-error\""))
        let row0 = PersonPart.name.formName(row: 0)
        XCTAssertTrue(page.contains("name=\"\(row0)\" value=\"\" maxlength=\"\(PersonPart.name.limit)\" aria-invalid=\"true\" aria-describedby=\"accused-0-error\">"))
        XCTAssertTrue(page.contains("<p class=\"field-error\" id=\"accused-0-error\">"))
        XCTAssertTrue(page.contains("name=\"identity_name\" value=\"\" aria-invalid=\"true\" aria-describedby=\"identity_name-error\""))
        XCTAssertTrue(page.contains("name=\"identity_phone\" value=\"\" aria-invalid=\"true\" aria-describedby=\"identity_phone-error\""))
        XCTAssertEqual(page.components(separatedBy: "aria-invalid").count - 1, 4, "only the four fields in error")
    }
}
