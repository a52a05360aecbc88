import XCTest
@testable import HTTPCore

final class HTTPDateTests: XCTestCase {
    func testIMFFixdate() {
        XCTAssertEqual(HTTPDate.format(0), "Thu, 01 Jan 1970 00:00:00 GMT")
        XCTAssertEqual(HTTPDate.format(784_111_777), "Sun, 06 Nov 1994 08:49:37 GMT")
    }
}
