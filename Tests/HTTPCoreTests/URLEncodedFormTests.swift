import XCTest
@testable import HTTPCore

/// Asserts that `body` throws a `FormError` with `status`; shared by the form tests.
func assertFormError(
    _ status: Int, _ messagePart: String? = nil, file: StaticString = #filePath, line: UInt = #line,
    _ body: () throws -> Void
) {
    do {
        try body()
        XCTFail("expected FormError \(status), nothing thrown", file: file, line: line)
    } catch let error as FormError {
        XCTAssertEqual(error.status, status, "\(error)", file: file, line: line)
        if let messagePart {
            XCTAssertTrue(error.message.contains(messagePart), "\(error.message)", file: file, line: line)
        }
    } catch {
        XCTFail("expected FormError \(status), got \(error)", file: file, line: line)
    }
}

final class URLEncodedFormTests: XCTestCase {
    private func parse(_ text: String, limits: FormLimits = .init()) throws -> [String] {
        try URLEncodedForm.parse(Array(text.utf8), limits: limits).map { "\($0.name)=\($0.value)" }
    }

    func testSimplePairs() throws {
        XCTAssertEqual(try parse("a=1&b=2"), ["a=1", "b=2"])
        let form = try URLEncodedForm(Array("a=1&b=2&a=3".utf8))
        XCTAssertEqual(form.first("a"), "1")
        XCTAssertEqual(form.all("a"), ["1", "3"])
        XCTAssertNil(form.first("c"))
        XCTAssertEqual(form.all("c"), [])
    }

    func testPlusAndPercentTwentyAreSpaces() throws {
        XCTAssertEqual(try parse("a+b=c+d%20e"), ["a b=c d e"])
        XCTAssertEqual(try parse("x=%2B"), ["x=+"])
    }

    func testPercentDecodesUTF8() throws {
        XCTAssertEqual(try parse("city=%E4%B8%AD"), ["city=中"])
        XCTAssertEqual(try parse("%e4%b8%ad=x"), ["中=x"])
        // Raw UTF-8, not percent-encoded, is accepted as WHATWG does.
        XCTAssertEqual(try parse("k=中"), ["k=中"])
    }

    func testEmptySequencesAreSkipped() throws {
        XCTAssertEqual(try parse("&&a=1&&&b=2&"), ["a=1", "b=2"])
        XCTAssertEqual(try parse(""), [])
        XCTAssertEqual(try parse("&&"), [])
    }

    func testNameWithoutEqualsHasEmptyValue() throws {
        XCTAssertEqual(try parse("flag&x="), ["flag=", "x="])
        XCTAssertEqual(try parse("=v"), ["=v"])
        XCTAssertEqual(try parse("a=b=c"), ["a=b=c"])
    }

    func testMalformedEscapesAreRefused() {
        for body in ["a=%", "a=%4", "a=%zz", "%=1", "a=%4g", "a=1&b=%"] {
            assertFormError(400, "percent-escape") { _ = try parse(body) }
        }
    }

    func testInvalidUTF8IsRefused() {
        assertFormError(400, "UTF-8") { _ = try parse("a=%FF") }
        assertFormError(400, "UTF-8") { _ = try parse("%C3=x") }
        assertFormError(400, "UTF-8") { _ = try URLEncodedForm.parse([0x61, 0x3D, 0xC3, 0x28]) }
    }

    func testNULIsRefusedEverywhere() {
        assertFormError(400, "NUL") { _ = try parse("a=%00") }
        assertFormError(400, "NUL") { _ = try parse("a%00b=1") }
        assertFormError(400, "NUL") { _ = try URLEncodedForm.parse([0x61, 0x3D, 0x00]) }
    }

    func testLimits() throws {
        let limits = FormLimits(maxFields: 3, maxNameBytes: 4, maxValueBytes: 5, maxTotalBytes: 40)
        XCTAssertEqual(try parse("a=1&b=2&c=3", limits: limits).count, 3)
        assertFormError(413, "fields") { _ = try parse("a=1&b=2&c=3&d=4", limits: limits) }
        XCTAssertEqual(try parse("abcd=12345", limits: limits), ["abcd=12345"])
        assertFormError(413, "value") { _ = try parse("a=123456", limits: limits) }
        assertFormError(413, "name") { _ = try parse("abcde=1", limits: limits) }
        // Limits apply to decoded bytes: %41 is one byte.
        XCTAssertEqual(try parse("a=%41%42%43%44%45", limits: limits), ["a=ABCDE"])
        assertFormError(413, "body") { _ = try parse(String(repeating: "&", count: 41), limits: limits) }
    }

    func testSerializeRoundTrips() throws {
        let pairs: [(name: String, value: String)] = [
            ("a b", "c&d=e"), ("中", "报告 +%"), ("", ""), ("x", "~*-._!"), ("emoji", "👩‍👩‍👧"),
        ]
        let bytes = URLEncodedForm.serialize(pairs)
        XCTAssertEqual(
            String(decoding: bytes, as: UTF8.self),
            "a+b=c%26d%3De&%E4%B8%AD=%E6%8A%A5%E5%91%8A+%2B%25&=&x=%7E*-._%21&emoji=%F0%9F%91%A9%E2%80%8D%F0%9F%91%A9%E2%80%8D%F0%9F%91%A7")
        let parsed = try URLEncodedForm(bytes)
        XCTAssertEqual(parsed, URLEncodedForm(pairs: pairs))
        XCTAssertEqual(parsed.serialized(), bytes)
    }
}
