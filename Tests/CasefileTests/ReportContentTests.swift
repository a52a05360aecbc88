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
    /// The keys of those six; a field added since is written blank into a report that lacks it.
    let storedKeys: Set<String> = ["category", "estimated_loss", "narrative", "people", "when", "where"]

    /// The six are sealed byte for byte as before; a field added since only adds its blank key.
    func testSealsTheSameBytesAsBefore() throws {
        var sealed = String(decoding: try JSONBytes.encode(ReportContent(draft)), as: UTF8.self)
        for field in ReportField.texts where !storedKeys.contains(field.sealedKey) {
            let blank = #""\#(field.sealedKey)":"""#
            XCTAssertTrue(sealed.contains(blank), field.sealedKey)
            sealed = sealed.replacingOccurrences(of: blank + ",", with: "").replacingOccurrences(of: "," + blank, with: "")
        }
        XCTAssertEqual(sealed, storedBytes)
    }

    func testReadsAStoredReport() throws {
        let content = try JSONBytes.decode(ReportContent.self, Array(storedBytes.utf8))
        for field in ReportField.texts { XCTAssertEqual(content[field], draft[field], field.name) }
        XCTAssertEqual(content.narrative, "他说：\"给 5/5 的红包\"\n第二段")
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
