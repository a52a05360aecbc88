import XCTest
@testable import HTTPCore

final class HTTPHeadersTests: XCTestCase {
    func testOrderedCaseInsensitiveWithRepeats() {
        var h: HTTPHeaders = ["Accept": "a", "X-Y": "1"]
        h.add("x-y", "2")
        XCTAssertEqual(h["x-y"], "1")
        XCTAssertEqual(h.values(for: "X-Y"), ["1", "2"])
        h.set("X-y", "3")
        XCTAssertEqual(h.values(for: "x-y"), ["3"])
        XCTAssertEqual(h.fields.map(\.name), ["Accept", "X-Y"])
        h.remove("ACCEPT")
        XCTAssertFalse(h.contains("accept"))
    }

    func testTokenLists() {
        let h: HTTPHeaders = ["Connection": "keep-alive, Close"]
        XCTAssertTrue(h.hasToken("close", in: "connection"))
        XCTAssertFalse(h.hasToken("upgrade", in: "connection"))
    }
}
