import XCTest
@testable import Presentation

final class CSVWriterTests: XCTestCase {
    func testFormulaStartsAreDefused() {
        XCTAssertEqual(CSVWriter.field("=cmd|' /C calc'!A0"), "'=cmd|' /C calc'!A0")
        XCTAssertEqual(CSVWriter.field("+1"), "'+1")
        XCTAssertEqual(CSVWriter.field("-2"), "'-2")
        XCTAssertEqual(CSVWriter.field("@SUM(A1)"), "'@SUM(A1)")
        XCTAssertEqual(CSVWriter.field("\t=1"), "'\t=1")
        XCTAssertEqual(CSVWriter.field("a=b"), "a=b", "only a leading sign starts a formula")
        XCTAssertEqual(CSVWriter.field("12"), "12")
    }

    func testQuotingFollowsRFC4180() {
        XCTAssertEqual(CSVWriter.field("a,b"), "\"a,b\"")
        XCTAssertEqual(CSVWriter.field("say \"hi\""), "\"say \"\"hi\"\"\"")
        XCTAssertEqual(CSVWriter.field("two\nlines"), "\"two\nlines\"")
        XCTAssertEqual(CSVWriter.field("=1,2"), "\"'=1,2\"", "defused, then quoted")
        XCTAssertEqual(CSVWriter.field("借用公司身份"), "借用公司身份")
    }

    func testDocumentStartsWithTheByteOrderMarkAndEndsRowsWithCRLF() {
        let bytes = CSVWriter.document([["a", "b"], ["受贿", "1"]])
        XCTAssertEqual(Array(bytes.prefix(3)), [0xEF, 0xBB, 0xBF])
        XCTAssertEqual(String(decoding: bytes.dropFirst(3), as: UTF8.self), "a,b\r\n受贿,1\r\n")
        XCTAssertEqual(CSVWriter.document([]), CSVWriter.byteOrderMark)
    }
}
