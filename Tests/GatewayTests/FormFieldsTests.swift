import Casework
import XCTest
@testable import Gateway
@testable import SiteKit

/// `FormFields.reportDraft` reads the report by `ReportField.all`.
final class FormFieldsTests: XCTestCase {
    func testReadsEveryFieldOfTheTable() {
        var pairs: [(name: String, value: String)] = []
        for field in ReportField.texts { pairs.append((field.name, "v-\(field.name)")) }
        let draft = FormFields(pairs: pairs).reportDraft()
        for field in ReportField.texts { XCTAssertEqual(draft[field], "v-\(field.name)", field.name) }
        XCTAssertEqual(draft.accused, [])
    }

    /// A row is there if any of its parts was sent, even blank; rows past the limit are read
    /// up to one more, so that validation can say there are too many.
    func testAccusedRowsAreReadByPartUpToOnePastTheLimit() {
        let limit = ReportField.accused.limit
        var pairs: [(name: String, value: String)] = [(PersonPart.post.formName(row: 1), "")]
        for row in 3..<limit + 5 { pairs.append((PersonPart.name.formName(row: row), "n\(row)")) }
        let accused = FormFields(pairs: pairs).reportDraft().accused
        XCTAssertEqual(accused.first, AccusedPerson(name: "", post: ""), "row 1, sent blank")
        XCTAssertEqual(accused.count, 1 + (limit + 1 - 3))
        XCTAssertEqual(accused.last?.name, "n\(limit)")
    }
}
