import XCTest
@testable import HTTPCore

final class CookiesTests: XCTestCase {
    func testParsesCookieHeader() {
        let c = Cookies(header: "session=abc123; theme=\"dark\";  empty=; noequals; =novalue; session=second")
        XCTAssertEqual(c["session"], "abc123")
        XCTAssertEqual(c["theme"], "dark")
        XCTAssertEqual(c["empty"], "")
        XCTAssertNil(c["noequals"])
        XCTAssertEqual(c.count, 4)
    }

    func testLazyOnRequest() throws {
        let r = try Request(method: .get, target: "/", headers: ["Cookie": "a=1; b=2"])
        XCTAssertEqual(r.cookies["b"], "2")
    }
}
