import Glibc
import XCTest
@testable import HTTPCore

final class ServerTests: XCTestCase {
    let hello = HandlerClosure { req in Response.text("hello \(req.path)") }

    func testKeepAliveTwoRequestsOneConnection() throws {
        let server = try startServer(handler: hello)
        defer { server.shutdown() }
        let c = try TestClient(port: server.port)
        c.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(c.readResponse()?.text, "hello /a")
        c.send("GET /b HTTP/1.1\r\nHost: x\r\n\r\n")
        let r = c.readResponse()
        XCTAssertEqual(r?.text, "hello /b")
        XCTAssertNil(r?.header("Connection"))
    }

    func testPipelinedRequestsAnsweredInOrder() throws {
        let server = try startServer(handler: hello)
        defer { server.shutdown() }
        let c = try TestClient(port: server.port)
        c.send("GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\nGET /3 HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(c.readResponse()?.text, "hello /1")
        XCTAssertEqual(c.readResponse()?.text, "hello /2")
        XCTAssertEqual(c.readResponse()?.text, "hello /3")
    }

    func testConnectionCloseAndHTTP10() throws {
        let server = try startServer(handler: hello)
        defer { server.shutdown() }
        let c = try TestClient(port: server.port)
        c.send("GET /x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        XCTAssertEqual(c.readResponse()?.header("Connection"), "close")
        XCTAssertTrue(c.isClosedByPeer())

        let d = try TestClient(port: server.port)
        d.send("GET /y HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        XCTAssertEqual(d.readResponse()?.header("Connection"), "keep-alive")
        d.send("GET /z HTTP/1.0\r\n\r\n")
        XCTAssertEqual(d.readResponse()?.text, "hello /z")
        XCTAssertTrue(d.isClosedByPeer())
    }

    func testIPv6Loopback() throws {
        let server = try startServer(host: "::1", handler: hello)
        defer { server.shutdown() }
        let c = try TestClient(host: "::1", port: server.port)
        c.send("GET /six HTTP/1.1\r\nHost: [::1]\r\n\r\n")
        XCTAssertEqual(c.readResponse()?.text, "hello /six")
    }
}
