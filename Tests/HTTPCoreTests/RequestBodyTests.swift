import XCTest
@testable import HTTPCore

final class RequestBodyTests: XCTestCase {
    func testReadsInPiecesThenEnds() throws {
        let body = RequestBody(bytes: Array("abcdefghij".utf8))
        XCTAssertEqual(try body.next(maxLength: 4), Array("abcd".utf8))
        XCTAssertEqual(try body.next(maxLength: 4), Array("efgh".utf8))
        XCTAssertEqual(try body.next(maxLength: 4), Array("ij".utf8))
        XCTAssertNil(try body.next())
        XCTAssertTrue(body.isFinished)
        XCTAssertEqual(body.bytesRead, 10)
    }

    func testLimit() {
        let body = RequestBody(bytes: [UInt8](repeating: 1, count: 10), limit: 5)
        XCTAssertThrowsError(try body.collect()) { XCTAssertEqual(($0 as? HTTPError)?.status, .contentTooLarge) }
        XCTAssertThrowsError(try RequestBody(bytes: [1, 2, 3]).collect(limit: 2))
    }
}
