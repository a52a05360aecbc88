import XCTest
@testable import HTTPCore

final class MultipartBoundaryTests: XCTestCase {
    private func boundary(_ contentType: String) throws -> String {
        String(decoding: try MultipartBoundary.extract(fromContentType: contentType), as: UTF8.self)
    }

    func testTokenAndQuotedBoundaries() throws {
        XCTAssertEqual(try boundary("multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxk"), "----WebKitFormBoundary7MA4YWxk")
        XCTAssertEqual(try boundary("Multipart/Form-Data;BOUNDARY=abc"), "abc")
        XCTAssertEqual(try boundary("multipart/form-data; charset=utf-8; boundary=\"a b:c?d\""), "a b:c?d")
        XCTAssertEqual(try boundary("multipart/form-data; boundary=\"x\";"), "x")
        XCTAssertEqual(try boundary("multipart/form-data; boundary=" + String(repeating: "z", count: 70)).count, 70)
    }

    func testMissingOrInvalidBoundaryIsRefused() {
        assertFormError(400, "boundary") { _ = try boundary("multipart/form-data") }
        assertFormError(400, "boundary") { _ = try boundary("multipart/form-data; charset=utf-8") }
        assertFormError(400) { _ = try boundary("multipart/form-data; boundary=") }
        assertFormError(400) { _ = try boundary("multipart/form-data; boundary=\"\"") }
        assertFormError(400) { _ = try boundary("multipart/form-data; boundary=" + String(repeating: "z", count: 71)) }
        assertFormError(400) { _ = try boundary("multipart/form-data; boundary=\"ends in space \"") }
        assertFormError(400) { _ = try boundary("multipart/form-data; boundary=\"a\\\"b\"") }
        assertFormError(400) { _ = try boundary("multipart/form-data; boundary=\"unterminated") }
        assertFormError(400, "twice") { _ = try boundary("multipart/form-data; boundary=a; boundary=b") }
    }

    func testOtherMediaTypesAreUnsupported() {
        assertFormError(415) { _ = try boundary("application/x-www-form-urlencoded") }
        assertFormError(415) { _ = try boundary("multipart/mixed; boundary=abc") }
        assertFormError(400) { _ = try boundary("") }
    }
}
