import XCTest
@testable import HTTPCore

final class ChunkedDecoderTests: XCTestCase {
    func decodeAll(_ s: String) throws -> (String, ChunkedDecoder) {
        var d = ChunkedDecoder()
        let out = try d.feed(Array(s.utf8))
        return (String(decoding: out, as: UTF8.self), d)
    }

    func testDecodesWithExtensionsAndTrailers() throws {
        let (out, d) = try decodeAll("4;name=value\r\nWiki\r\n5 ; x\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nExpires: never\r\n\r\n")
        XCTAssertEqual(out, "Wikipedia in\r\n\r\nchunks.")
        XCTAssertTrue(d.isComplete)
    }

    func testByteByByteAndLeftoverForPipelining() throws {
        let input = Array("3\r\nabc\r\n0\r\n\r\nGET /next".utf8)
        var d = ChunkedDecoder()
        var out: [UInt8] = []
        var used = 0
        for b in input where !d.isComplete {
            out += try d.feed([b])
            used += d.lastConsumed
        }
        XCTAssertEqual(String(decoding: out, as: UTF8.self), "abc")
        XCTAssertEqual(used, input.count - "GET /next".utf8.count)
        var d2 = ChunkedDecoder()
        _ = try d2.feed(input)
        XCTAssertEqual(d2.lastConsumed, input.count - 9)
    }

    func testMalformed() {
        for bad in ["x\r\n", "3\nabc\r\n0\r\n\r\n", "3\r\nabcd\r\n", "3\r\nabc\n", "\r\n", "3\r\nabc\r\n0\r\n folded: x\r\n\r\n",
                    "3\r\nabc\r\n0\r\nnocolon\r\n\r\n", "fffffffffffffffff\r\n", "3\u{0}\r\nabc\r\n"] {
            var d = ChunkedDecoder()
            XCTAssertThrowsError(try d.feed(Array(bad.utf8)), bad.debugDescription)
        }
    }

    func testTrailerAndLineLimits() {
        var l = HTTPLimits()
        l.maxTrailerBytes = 16
        l.maxChunkLine = 16
        var d = ChunkedDecoder(limits: l)
        XCTAssertThrowsError(try d.feed(Array("0\r\nX: \(String(repeating: "a", count: 40))\r\n\r\n".utf8)))
        var e = ChunkedDecoder(limits: l)
        XCTAssertThrowsError(try e.feed(Array("1;\(String(repeating: "a", count: 40))\r\nx\r\n0\r\n\r\n".utf8)))
    }
}
