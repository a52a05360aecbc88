import XCTest
@testable import HTTPCore

final class ContentTypesTests: XCTestCase {
    func testByExtension() {
        XCTAssertEqual(ContentTypes.forFile("a.CSS"), "text/css; charset=utf-8")
        XCTAssertEqual(ContentTypes.forFile("x.tar.gz"), "application/octet-stream")
        XCTAssertEqual(ContentTypes.forFile("README"), "application/octet-stream")
        XCTAssertEqual(ContentTypes.forFile("key.asc"), "text/plain; charset=utf-8")
    }
}
