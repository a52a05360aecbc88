import XCTest
@testable import HTTPCore

final class MultipartHeaderParametersTests: XCTestCase {
    private func parse(_ header: String) throws -> [String] {
        let parsed = try MultipartHeaderParameters.parse(header, what: "X")
        return [parsed.value] + parsed.parameters.map { "\($0.name)=\($0.value)" }
    }

    func testTokensAndQuotedStrings() throws {
        XCTAssertEqual(try parse("form-data; name=\"a\"; filename=\"b.txt\""), ["form-data", "name=a", "filename=b.txt"])
        XCTAssertEqual(try parse(" Form-Data ;NAME=x ; Filename*=UTF-8''%E6%8A%A5"), ["form-data", "name=x", "filename*=UTF-8''%E6%8A%A5"])
        XCTAssertEqual(try parse("form-data;;name=\"\";"), ["form-data", "name="])
    }

    func testQuotedPairsOnlyEscapeQuoteAndBackslash() throws {
        XCTAssertEqual(try parse(#"form-data; name="a\"b\\c""#), ["form-data", #"name=a"b\c"#])
        XCTAssertEqual(try parse(#"form-data; filename="C:\Users\x\报告.pdf""#), ["form-data", #"filename=C:\Users\x\报告.pdf"#])
        XCTAssertEqual(try parse("form-data; name=\"a;b=c\""), ["form-data", "name=a;b=c"])
    }

    func testMalformedParametersAreRefused() {
        for header in ["", ";name=a", "form-data name=a", "form-data; name", "form-data; =a",
                       "form-data; name=", "form-data; name=\"a", "form-data; name=\"a\"x",
                       "form-data; name=\"a\u{1}\"", "form-data; name=a; NAME=b"] {
            assertFormError(400, nil) { _ = try parse(header) }
        }
    }
}
