import XCTest
@testable import HTTPCore

final class URLEncodedPercentCodingTests: XCTestCase {
    func testDecode() throws {
        XCTAssertEqual(try URLEncodedPercentCoding.decode(Array("a%41+b".utf8), plusIsSpace: true), Array("aA b".utf8))
        XCTAssertEqual(try URLEncodedPercentCoding.decode(Array("a%41+b".utf8), plusIsSpace: false), Array("aA+b".utf8))
        XCTAssertEqual(try URLEncodedPercentCoding.decode(Array("%fF%00".utf8), plusIsSpace: false), [0xFF, 0x00])
    }

    func testDecodeRefusesMalformedEscapes() {
        for text in ["%", "%4", "%zz", "%%41", "abc%g1"] {
            assertFormError(400) { _ = try URLEncodedPercentCoding.decode(Array(text.utf8), plusIsSpace: true) }
        }
    }

    func testEncodeUsesTheFormSet() {
        XCTAssertEqual(URLEncodedPercentCoding.encodeFormComponent("aZ09*-._ ~/?&=+%"), "aZ09*-._+%7E%2F%3F%26%3D%2B%25")
        XCTAssertEqual(URLEncodedPercentCoding.encodeFormComponent("中"), "%E4%B8%AD")
    }

    func testStrictUTF8() throws {
        XCTAssertEqual(try URLEncodedPercentCoding.utf8String([0xE4, 0xB8, 0xAD], what: "x"), "中")
        assertFormError(400, "x is not valid UTF-8") { _ = try URLEncodedPercentCoding.utf8String([0xE4, 0xB8], what: "x") }
        // Overlong encodings and surrogates are not UTF-8 either.
        assertFormError(400) { _ = try URLEncodedPercentCoding.utf8String([0xC0, 0xAF], what: "x") }
        assertFormError(400) { _ = try URLEncodedPercentCoding.utf8String([0xED, 0xA0, 0x80], what: "x") }
    }
}
