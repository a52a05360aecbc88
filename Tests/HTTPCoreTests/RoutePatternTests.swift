import XCTest
@testable import HTTPCore

final class RoutePatternTests: XCTestCase {
    func testMatching() {
        let p = RoutePattern("/case/:id/notes")
        XCTAssertEqual(p.match(["case", "7", "notes"])?["id"], "7")
        XCTAssertNil(p.match(["case", "7"]))
        XCTAssertNil(p.match(["case", "7", "notes", "x"]))
        XCTAssertEqual(RoutePattern("/").match([])?.named.count, 0)
        XCTAssertEqual(RoutePattern("/s/*").match(["s", "a", "b"])?.wildcard, ["a", "b"])
        XCTAssertNil(RoutePattern("/s/*").match(["t"]))
    }
}
