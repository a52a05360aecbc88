import XCTest
@testable import HTTPCore

final class MultipartPartHeadersTests: XCTestCase {
    private func parse(_ block: String) throws -> MultipartPartHeaders {
        try MultipartPartHeaders.parse(ArraySlice(Array(block.utf8)))
    }

    func testFieldHeaders() throws {
        let headers = try parse("Content-Disposition: form-data; name=\"title\"")
        XCTAssertEqual(headers.name, "title")
        XCTAssertNil(headers.filename)
        XCTAssertFalse(headers.isFile)
        XCTAssertEqual(headers.contentType, "text/plain")
        XCTAssertEqual(headers.header("content-disposition"), "form-data; name=\"title\"")
    }

    func testFileHeaders() throws {
        let headers = try parse(
            "Content-Disposition: form-data; name=\"doc\"; filename=\"../../etc/passwd\"\r\nContent-Type: application/pdf")
        XCTAssertEqual(headers.filename, "passwd")
        XCTAssertEqual(headers.rawFilename, "../../etc/passwd")
        XCTAssertTrue(headers.isFile)
        XCTAssertEqual(headers.contentType, "application/pdf")
        XCTAssertEqual(headers.headers.count, 2)
    }

    func testEmptyFilenameIsStillAFile() throws {
        let headers = try parse("Content-Disposition: form-data; name=\"f\"; filename=\"\"")
        XCTAssertEqual(headers.filename, "file")
        XCTAssertEqual(headers.rawFilename, "")
    }

    func testExtendedFilenameWins() throws {
        let headers = try parse(
            "Content-Disposition: form-data; name=\"f\"; filename=\"fallback.txt\"; filename*=UTF-8''%E6%8A%A5%E5%91%8A.txt")
        XCTAssertEqual(headers.filename, "报告.txt")
        XCTAssertEqual(try parse("Content-Disposition: form-data; name=f; filename*=iso-8859-1'en'caf%E9.txt").filename, "café.txt")
        XCTAssertEqual(try parse("Content-Disposition: form-data; name=f; filename*=UTF-8''a%00b").filename, "ab")
        assertFormError(400) { _ = try parse("Content-Disposition: form-data; name=f; filename*=UTF-8''%E6%8A") }
        assertFormError(400) { _ = try parse("Content-Disposition: form-data; name=f; filename*=UTF-8''%zz") }
        assertFormError(400) { _ = try parse("Content-Disposition: form-data; name=f; filename*=KOI8-R''abc") }
        assertFormError(400) { _ = try parse("Content-Disposition: form-data; name=f; filename*=abc") }
    }

    func testFoldedHeadersAreUnfolded() throws {
        let headers = try parse("Content-Disposition: form-data;\r\n name=\"x\"\r\nX-A: 1")
        XCTAssertEqual(headers.name, "x")
        XCTAssertEqual(headers.header("content-disposition"), "form-data; name=\"x\"")
    }

    func testMalformedHeaderBlocksAreRefused() {
        let blocks = [
            "",  // no Content-Disposition
            "Content-Type: text/plain",
            "Content-Disposition: attachment; name=\"x\"",
            "Content-Disposition: form-data",
            "Content-Disposition: form-data; name=\"a\"\r\nContent-Disposition: form-data; name=\"b\"",
            "Content-Disposition: form-data; name=\"a\"\r\nContent-Type: a/b\r\nContent-Type: c/d",
            "Content-Disposition: form-data; name=\"a\"\nX: y",
            "Content-Disposition: form-data; name=\"a\"\rX: y",
            "Content-Disposition : form-data; name=\"a\"",
            " X: y\r\nContent-Disposition: form-data; name=\"a\"",
            "no colon here",
            "Content-Disposition: form-data; name=\"a\"\r\nContent-Transfer-Encoding: base64",
        ]
        for block in blocks {
            assertFormError(400) { _ = try parse(block) }
        }
        XCTAssertNoThrow(try parse("Content-Disposition: form-data; name=a\r\nContent-Transfer-Encoding: BINARY"))
        assertFormError(400, "UTF-8") { _ = try MultipartPartHeaders.parse([0xFF, 0x3A]) }
    }
}
