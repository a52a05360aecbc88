import XCTest
@testable import HTTPCore

final class PercentDecodingTests: XCTestCase {
    func testDecoding() {
        XCTAssertEqual(percentDecode(Array("a%20b%2fc".utf8)), Array("a b/c".utf8))
        XCTAssertNil(percentDecode(Array("%2".utf8)))
        XCTAssertNil(percentDecode(Array("%g0".utf8)))
        XCTAssertEqual(percentDecode(Array("a+b".utf8), plusAsSpace: true), Array("a b".utf8))
    }

    func testQueryString() {
        let q = QueryString.parse("a=1&b=x+y&a=%C3%A9&flag&=empty&bad=%zz")
        XCTAssertEqual(q.map(\.name), ["a", "b", "a", "flag", ""])
        XCTAssertEqual(q.map(\.value), ["1", "x y", "é", "", "empty"])
    }
}
