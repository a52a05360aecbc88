import XCTest
@testable import HTTPCore

final class BodyFramingTests: XCTestCase {
    func framing(_ fields: [(String, String)], _ v: HTTPVersion = .http1_1) throws -> BodyFraming {
        try BodyFraming.decide(headers: HTTPHeaders(fields.map { HTTPField(name: $0.0, value: $0.1) }), version: v)
    }

    func testDecisions() throws {
        XCTAssertEqual(try framing([]), .none)
        XCTAssertEqual(try framing([("Content-Length", "0")]), .none)
        XCTAssertEqual(try framing([("Content-Length", "12")]), .length(12))
        XCTAssertEqual(try framing([("transfer-encoding", "CHUNKED")]), .chunked)
        XCTAssertThrowsError(try framing([("Content-Length", "")]))
        XCTAssertThrowsError(try framing([("Content-Length", "1,2")]))
        XCTAssertThrowsError(try framing([("Content-Length", "+1")]))
        XCTAssertThrowsError(try framing([("Transfer-Encoding", "chunked"), ("Content-Length", "1")]))
        XCTAssertThrowsError(try framing([("Transfer-Encoding", "chunked,")]))
        XCTAssertThrowsError(try framing([("Transfer-Encoding", "chunked")], .http1_0))
        // Two fields form one list: gzip then chunked, and gzip is not supported.
        XCTAssertThrowsError(try framing([("Transfer-Encoding", "gzip"), ("Transfer-Encoding", "chunked")])) {
            XCTAssertEqual(($0 as? HTTPParseError)?.status, .notImplemented)
        }
    }
}
