import Casework
import Foundation
import XCTest
@testable import Casefile

/// The sealed `report` blob: stored reports must read as they were written, and a report sealed
/// now must have the bytes it had before the field table.
final class ReportContentTests: XCTestCase {
    let draft = ReportDraft(category: "bribery", narrative: "他说：\"给 5/5 的红包\"\n第二段", when: "2025年冬",
                            whereText: "仓库", people: "", estimatedLoss: "12,000.50")

    /// What `ReportContent`'s former hand-written `Codable` (six stored properties, sorted keys)
    /// wrote for `draft`: the bytes in every database and backup made so far.
    let storedBytes = #"{"category":"bribery","estimated_loss":"12,000.50","narrative":"他说：\"给 5/5 的红包\"\n第二段","people":"","when":"2025年冬","where":"仓库"}"#

    func testSealsTheSameBytesAsBefore() throws {
        XCTAssertEqual(String(decoding: try JSONBytes.encode(ReportContent(draft)), as: UTF8.self), storedBytes)
    }

    func testReadsAStoredReport() throws {
        let content = try JSONBytes.decode(ReportContent.self, Array(storedBytes.utf8))
        XCTAssertEqual(content, ReportContent(draft))
        for field in ReportField.texts { XCTAssertEqual(content[field], draft[field], field.name) }
    }

    /// A report sealed before a field was added lacks its key: it reads as blank, not as damage.
    func testAMissingKeyReadsAsBlank() throws {
        let older = #"{"category":"bribery","narrative":"x"}"#
        let content = try JSONBytes.decode(ReportContent.self, Array(older.utf8))
        XCTAssertEqual(content.narrative, "x")
        XCTAssertEqual(content.estimatedLoss, "")
        XCTAssertEqual(content.whereText, "")
    }

    func testEveryTextFieldIsSealedUnderItsKey() throws {
        var draft = ReportDraft()
        for field in ReportField.texts { draft[field] = "value-of-\(field.name)" }
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(try JSONBytes.encode(ReportContent(draft)))) as? [String: String])
        XCTAssertEqual(json, Dictionary(uniqueKeysWithValues: ReportField.texts.map { ($0.sealedKey, "value-of-\($0.name)") }))
    }
}
