import Glibc
import XCTest
@testable import HTTPCore

/// Over a real loopback socket: every refusal answers with its status and closes.
final class ConnectionTests: XCTestCase {
    var server: Server!

    override func setUpWithError() throws {
        var limits = HTTPLimits()
        limits.maxRequestLine = 256
        limits.maxHeaderBytes = 1024
        limits.maxHeaderCount = 20
        limits.maxBufferedBody = 1000
        let router = Router()
        router.get("/") { _ in .text("root") }
        router.post("/echo-count") { req in .text("\(try req.bodyBytes().count)") }
        router.get("/boom") { req in
            struct Leak: Error { let value: String }
            throw Leak(value: req.headers["X-Secret"] ?? "")
        }
        router.post("/item") { _ in .text("posted") }
        server = try startServer(limits: limits, handler: router.makeHandler())
    }

    override func tearDown() { server.shutdown() }

    func refusal(_ raw: String) throws -> (Int?, Bool) {
        let c = try TestClient(port: server.port)
        c.send(raw)
        let r = c.readResponse()
        if let r {
            XCTAssertEqual(r.header("Connection"), "close", raw.prefix(80).debugDescription)
            XCTAssertEqual(r.header("Content-Type"), "text/plain; charset=utf-8")
        }
        return (r?.status, c.isClosedByPeer())
    }

    func testRefusalsOverTheWire() throws {
        let cases: [(String, Int)] = [
            ("POST /echo-count HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\nabc", 400),
            ("POST /echo-count HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabc", 400),
            ("POST /echo-count HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", 400),
            ("POST /echo-count HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 400),
            ("POST /echo-count HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: br, chunked\r\n\r\n", 501),
            ("GET / HTTP/1.1\r\nHost: x\rY: z\r\n\r\n", 400),
            ("GET / HTTP/1.1\nHost: x\n\n", 400),
            ("GET / HTTP/1.1\r\nHost: x\r\nX: a\r\n b\r\n\r\n", 400),
            ("GET / HTTP/1.1\r\nHost\t: x\r\n\r\n", 400),
            ("GET / HTTP/1.1\r\n\r\n", 400),
            ("GET / HTTP/3.0\r\nHost: x\r\n\r\n", 505),
            ("GET /\(String(repeating: "a", count: 300)) HTTP/1.1\r\nHost: x\r\n\r\n", 414),
            ("GET / HTTP/1.1\r\nHost: x\r\nX: \(String(repeating: "b", count: 1100))\r\n\r\n", 431),
            ("GET / HTTP/1.1\r\nHost: x\r\n" + (0..<25).map { "H\($0): v\r\n" }.joined() + "\r\n", 431),
            ("POST /echo-count HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n" + String(repeating: "z", count: 5000), 413),
            ("POST /echo-count HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n0\r\n\r\n", 400),
        ]
        for (raw, expected) in cases {
            let (status, closed) = try refusal(raw)
            XCTAssertEqual(status, expected, raw.prefix(80).debugDescription)
            XCTAssertTrue(closed, raw.prefix(80).debugDescription)
        }
    }

    func testChunkedBodyOver1000IsRefused() throws {
        let c = try TestClient(port: server.port)
        let chunk = String(repeating: "q", count: 600)
        c.send("POST /echo-count HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n258\r\n\(chunk)\r\n258\r\n\(chunk)\r\n0\r\n\r\n")
        XCTAssertEqual(c.readResponse()?.status, 413)
    }

    func testBodiesAndKeepAliveAfterThem() throws {
        let c = try TestClient(port: server.port)
        c.send("POST /echo-count HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello")
        XCTAssertEqual(c.readResponse()?.text, "5")
        c.send("POST /echo-count HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nT: 1\r\n\r\n")
        XCTAssertEqual(c.readResponse()?.text, "5")
        // A body the handler ignores is drained, keeping the connection usable.
        c.send("POST /item HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nabcdGET / HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(c.readResponse()?.text, "posted")
        XCTAssertEqual(c.readResponse()?.text, "root")
    }

    func testExpectContinue() throws {
        let c = try TestClient(port: server.port)
        c.send("POST /echo-count HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n")
        var chunk = [UInt8](repeating: 0, count: 100)
        let n = chunk.withUnsafeMutableBytes { recv(c.fd, $0.baseAddress, $0.count, 0) }
        XCTAssertEqual(String(decoding: chunk[0..<max(n, 0)], as: UTF8.self), "HTTP/1.1 100 Continue\r\n\r\n")
        c.send("abc")
        XCTAssertEqual(c.readResponse()?.text, "3")
    }

    func test500DoesNotEchoRequestData() throws {
        let c = try TestClient(port: server.port)
        c.send("GET /boom HTTP/1.1\r\nHost: x\r\nX-Secret: s3cr3t-value\r\n\r\n")
        let r = c.readResponse()
        XCTAssertEqual(r?.status, 500)
        XCTAssertEqual(r?.text, "Internal Server Error\n")
    }

    func testHeadHas404And405AndSecurityHeaders() throws {
        let c = try TestClient(port: server.port)
        c.send("HEAD / HTTP/1.1\r\nHost: x\r\n\r\n")
        let head = c.readResponse(isHead: true)
        XCTAssertEqual(head?.status, 200)
        XCTAssertEqual(head?.header("Content-Length"), "4")
        c.send("GET /none HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(c.readResponse()?.status, 404)
        c.send("DELETE /item HTTP/1.1\r\nHost: x\r\n\r\n")
        let r = c.readResponse()
        XCTAssertEqual(r?.status, 405)
        XCTAssertEqual(r?.header("Allow"), "POST")
        XCTAssertEqual(r?.header("Content-Security-Policy"), "default-src 'self'; frame-ancestors 'none'; form-action 'self'")
        XCTAssertEqual(r?.header("X-Content-Type-Options"), "nosniff")
        XCTAssertEqual(r?.header("Referrer-Policy"), "no-referrer")
        XCTAssertEqual(r?.header("X-Frame-Options"), "DENY")
        XCTAssertEqual(r?.header("Permissions-Policy"), "camera=(), microphone=(), geolocation=()")
        XCTAssertEqual(r?.header("Cache-Control"), "no-store")
        XCTAssertNotNil(r?.header("Date"))
        XCTAssertNil(r?.header("Server"))
    }

    func testPeerAddressOnlyForRoutesThatAsk() throws {
        let router = Router()
        router.get("/with", options: RouteOptions(needsPeerAddress: true)) { req in .text(req.peerAddress ?? "nil") }
        router.get("/without") { req in .text(req.peerAddress ?? "nil") }
        let s = try startServer(handler: router.makeHandler())
        defer { s.shutdown() }
        let c = try TestClient(port: s.port)
        c.send("GET /with HTTP/1.1\r\nHost: x\r\n\r\nGET /without HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(c.readResponse()?.text, "127.0.0.1")
        XCTAssertEqual(c.readResponse()?.text, "nil")
    }
}
