import XCTest
@testable import HTTPCore

final class RequestHeadParserTests: XCTestCase {
    let limits = HTTPLimits()

    func parse(_ s: String, limits: HTTPLimits? = nil) throws -> RequestHead {
        try RequestHeadParser.parse(Array(s.utf8), limits: limits ?? self.limits)
    }

    func status(_ s: String, limits: HTTPLimits? = nil) -> Int? {
        do {
            _ = try parse(s, limits: limits)
            return nil
        } catch let e as HTTPParseError {
            return e == .incomplete ? -1 : e.status.code
        } catch {
            return 0
        }
    }

    func testParsesRequestLineHeadersAndQuery() throws {
        let text = "POST /case/a%20b/notes?x=1&y=%2F HTTP/1.1\r\nHost: example\r\nX-A: 1\r\nx-a:  2 \r\nContent-Length: 3\r\n\r\nabc"
        let h = try parse(text)
        XCTAssertEqual(h.method, .post)
        XCTAssertEqual(h.target, "/case/a%20b/notes?x=1&y=%2F")
        XCTAssertEqual(h.pathSegments, ["case", "a b", "notes"])
        XCTAssertEqual(h.query, "x=1&y=%2F")
        XCTAssertEqual(h.version, .http1_1)
        XCTAssertEqual(h.headers.values(for: "x-A"), ["1", "2"])
        XCTAssertEqual(h.headers["HOST"], "example")
        XCTAssertEqual(h.headers.fields.map(\.name), ["Host", "X-A", "x-a", "Content-Length"])
        XCTAssertEqual(h.framing, .length(3))
        XCTAssertTrue(h.keepAlive)
        XCTAssertEqual(h.length, text.utf8.count - 3)
    }

    func testEncodedSlashStaysInsideSegment() throws {
        XCTAssertEqual(try parse("GET /a%2Fb/c HTTP/1.1\r\nHost: x\r\n\r\n").pathSegments, ["a/b", "c"])
    }

    func testKeepAliveRules() throws {
        XCTAssertFalse(try parse("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").keepAlive)
        XCTAssertFalse(try parse("GET / HTTP/1.0\r\n\r\n").keepAlive)
        XCTAssertTrue(try parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").keepAlive)
    }

    func testLeadingEmptyLinesIgnoredAndAbsoluteFormTolerated() throws {
        XCTAssertEqual(try parse("\r\n\r\nGET /x HTTP/1.1\r\nHost: x\r\n\r\n").pathSegments, ["x"])
        let h = try parse("GET http://example.org/p/q?z=1 HTTP/1.1\r\nHost: example.org\r\n\r\n")
        XCTAssertEqual(h.pathSegments, ["p", "q"])
        XCTAssertEqual(h.query, "z=1")
        XCTAssertEqual(try parse("OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n").pathSegments, [])
    }

    func testIncomplete() {
        XCTAssertEqual(status("GET / HTTP/1.1\r\nHost: x\r\n"), -1)
        XCTAssertEqual(status("GET / HTT"), -1)
        XCTAssertEqual(status(""), -1)
    }

    func testRefusals() {
        XCTAssertEqual(status("GET / HTTP/1.1\r\n\r\n"), 400, "missing Host")
        XCTAssertEqual(status("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"), 400, "two Hosts")
        XCTAssertEqual(status("GET / HTTP/1.1\nHost: x\n\n"), 400, "bare LF")
        XCTAssertEqual(status("GET / HTTP/1.1\r\nHost: x\nX: y\r\n\r\n"), 400, "bare LF in headers")
        XCTAssertEqual(status("GET / HTTP/1.1\r\nHost: x\rX: y\r\n\r\n"), 400, "bare CR")
        XCTAssertEqual(status("GET / HTTP/1.1\r\nHost: x\r\nX: a\r\n  folded\r\n\r\n"), 400, "obs-fold")
        XCTAssertEqual(status("GET / HTTP/1.1\r\nHost : x\r\n\r\n"), 400, "space before colon")
        XCTAssertEqual(status("GET / HTTP/1.1\r\nHost: x\r\nX: a\u{0}b\r\n\r\n"), 400, "NUL in value")
        XCTAssertEqual(status("GET  / HTTP/1.1\r\nHost: x\r\n\r\n"), 400, "double space")
        XCTAssertEqual(status("GET / HTTP/2.0\r\nHost: x\r\n\r\n"), 505)
        XCTAssertEqual(status("GET / HTTP/1.2\r\nHost: x\r\n\r\n"), 505)
        XCTAssertEqual(status("GET / HTTX/1.1\r\nHost: x\r\n\r\n"), 400)
        XCTAssertEqual(status("G@T / HTTP/1.1\r\nHost: x\r\n\r\n"), 400)
        XCTAssertEqual(status("GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n"), 400, "bad escape")
        XCTAssertEqual(status("GET /%C0%AF HTTP/1.1\r\nHost: x\r\n\r\n"), 400, "invalid UTF-8")
        XCTAssertEqual(status("GET example.org:443 HTTP/1.1\r\nHost: x\r\n\r\n"), 400, "authority-form")
    }

    func testFramingRefusals() {
        XCTAssertEqual(status("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"), 400)
        XCTAssertEqual(status("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n"), 400)
        XCTAssertEqual(status("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n"), 400)
        XCTAssertEqual(status("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1e3\r\n\r\n"), 400)
        XCTAssertEqual(status("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999\r\n\r\n"), 400)
        XCTAssertEqual(status("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n"), 400)
        XCTAssertEqual(status("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"), 501)
        XCTAssertEqual(status("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, chunked\r\n\r\n"), 400)
        XCTAssertEqual(status("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"), 400)
    }

    func testRepeatedIdenticalContentLengthAccepted() throws {
        XCTAssertEqual(try parse("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 5, 5\r\n\r\n").framing, .length(5))
        XCTAssertEqual(try parse("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: Chunked\r\n\r\n").framing, .chunked)
    }

    func testLimits() {
        var l = HTTPLimits()
        l.maxRequestLine = 32
        l.maxHeaderBytes = 64
        l.maxHeaderCount = 3
        XCTAssertEqual(status("GET /\(String(repeating: "a", count: 40)) HTTP/1.1\r\nHost: x\r\n\r\n", limits: l), 414)
        XCTAssertEqual(status("GET /\(String(repeating: "a", count: 40))", limits: l), 414, "detected before the line ends")
        XCTAssertEqual(status("GET / HTTP/1.1\r\nHost: x\r\nX: \(String(repeating: "b", count: 80))\r\n\r\n", limits: l), 431)
        XCTAssertEqual(status("GET / HTTP/1.1\r\nHost: x\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", limits: l), 431)
        XCTAssertEqual(status("GET / HTTP/1.1\r\nHost: x\r\nX: \(String(repeating: "b", count: 80))", limits: l), 431,
                       "detected before the head ends")
    }

    func testExpectContinue() throws {
        XCTAssertTrue(try parse("POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n").expectsContinue)
    }

    func testNeverTrapsOnTruncations() {
        let full = Array("POST /a?b=c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nCookie: a=b\r\n\r\n".utf8)
        for n in 0...full.count {
            _ = try? RequestHeadParser.parse(Array(full[0..<n]), limits: limits)
        }
    }

    /// A poor man's fuzzer: random mutations of valid heads must throw or parse, never trap.
    func testRandomMutationsNeverTrap() {
        var rng = SystemRandomNumberGenerator()
        let seeds = ["POST /a?b=c HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n",
                     "GET http://h/p HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"].map { Array($0.utf8) }
        let interesting: [UInt8] = [0, 9, 10, 13, 32, 37, 44, 47, 58, 59, 63, 127, 255]
        for _ in 0..<20_000 {
            var b = seeds[Int.random(in: 0..<seeds.count, using: &rng)]
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let i = Int.random(in: 0..<b.count, using: &rng)
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: b[i] = interesting.randomElement(using: &rng)!
                case 1: b.remove(at: i)
                default: b.insert(UInt8.random(in: 0...255, using: &rng), at: i)
                }
                if b.isEmpty { break }
            }
            _ = try? RequestHeadParser.parse(b, limits: limits)
            var d = ChunkedDecoder()
            _ = try? d.feed(b)
        }
    }
}
