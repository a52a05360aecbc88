import XCTest
@testable import HTTPCore

final class ResponseWriterTests: XCTestCase {
    func serialize(_ r: Response, version: HTTPVersion = .http1_1, keepAlive: Bool = true, head: Bool = false) throws -> (String, Bool) {
        let t = MemoryTransport()
        let w = ResponseWriter(transport: t, security: .standard)
        var k = keepAlive
        try w.write(r, version: version, keepAlive: &k, isHead: head)
        return (String(decoding: t.written, as: UTF8.self), k)
    }

    func testStreamWithoutLengthIsChunkedFor11AndCloseDelimitedFor10() throws {
        let r = Response(body: .stream(length: nil) { w in
            try w.write("hello ")
            try w.write("world")
        })
        let (s, k) = try serialize(r)
        XCTAssertTrue(s.contains("Transfer-Encoding: chunked\r\n"))
        XCTAssertTrue(s.hasSuffix("\r\n\r\nb\r\nhello world\r\n0\r\n\r\n"))
        XCTAssertTrue(k)
        let (s10, k10) = try serialize(r, version: .http1_0)
        XCTAssertFalse(s10.contains("chunked"))
        XCTAssertTrue(s10.hasSuffix("hello world"))
        XCTAssertFalse(k10)
    }

    func testHeadKeepsLengthDropsBody() throws {
        let (s, _) = try serialize(.text("abc"), head: true)
        XCTAssertTrue(s.contains("Content-Length: 3\r\n"))
        XCTAssertTrue(s.hasSuffix("\r\n\r\n"))
    }

    func testOwnHeadersWinAndOptOut() throws {
        var r = Response.text("x")
        r.headers.set("Content-Security-Policy", "default-src 'none'")
        r.headers.set("Cache-Control", "max-age=60")
        let (s, _) = try serialize(r)
        XCTAssertTrue(s.contains("Content-Security-Policy: default-src 'none'\r\n"))
        XCTAssertFalse(s.contains("form-action"))
        XCTAssertTrue(s.contains("Cache-Control: max-age=60\r\n"))
        XCTAssertFalse(s.contains("no-store"))
        r.includesSecurityHeaders = false
        XCTAssertFalse(try serialize(r).0.contains("X-Frame-Options"))
    }

    func testHeaderInjectionDropped() throws {
        var r = Response.text("x")
        r.headers.add("X-Evil", "a\r\nSet-Cookie: pwn=1")
        r.headers.add("Content-Length", "999")
        let (s, _) = try serialize(r)
        XCTAssertFalse(s.contains("pwn"))
        XCTAssertFalse(s.contains("999"))
    }

    func testNoBodyStatuses() throws {
        let (s, _) = try serialize(Response(status: .notModified, headers: ["ETag": "\"1\""], body: .bytes([1, 2])))
        XCTAssertFalse(s.contains("Content-Length"))
        XCTAssertTrue(s.hasSuffix("\r\n\r\n"))
    }

    func testWrongDeclaredLengthClosesConnection() throws {
        let r = Response(body: .stream(length: 10) { w in try w.write("short") })
        XCTAssertFalse(try serialize(r).1)
    }
}
