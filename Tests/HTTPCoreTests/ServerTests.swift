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

    func testPipelinedHeadSplitAcrossReads() throws {
        let server = try startServer(handler: hello)
        defer { server.shutdown() }
        let c = try TestClient(port: server.port)
        c.send("GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHo")
        XCTAssertEqual(c.readResponse()?.text, "hello /1")
        usleep(50_000)
        c.send("st: x\r\n")
        usleep(50_000)
        c.send("\r\n")
        XCTAssertEqual(c.readResponse()?.text, "hello /2")
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

final class ServerLifecycleTests: XCTestCase {
    func testConnectionLimitAnswers503AndCloses() throws {
        var limits = HTTPLimits()
        limits.maxConnections = 2
        let server = try startServer(limits: limits, handler: HandlerClosure { _ in .text("ok") })
        defer { server.shutdown() }
        let a = try TestClient(port: server.port)
        let b = try TestClient(port: server.port)
        a.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(a.readResponse()?.status, 200)
        b.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(b.readResponse()?.status, 200)
        let c = try TestClient(port: server.port)
        c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        let r = c.readResponse()
        XCTAssertEqual(r?.status, 503)
        XCTAssertEqual(r?.header("Connection"), "close")
        XCTAssertTrue(c.isClosedByPeer())
    }

    /// Shutdown closes idle connections at once and lets a request in flight finish: the handler
    /// is held until the idle connection has been seen closed, so the order is certain.
    func testGracefulShutdownLetsInFlightRequestFinish() throws {
        let entered = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let server = try startServer(handler: HandlerClosure { _ in
            entered.signal()
            _ = release.wait(timeout: .now() + 10)
            return .text("finished")
        })
        let port = server.port
        let idle = try TestClient(port: port)
        let c = try TestClient(port: port)
        c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(entered.wait(timeout: .now() + 5), .success)
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            server.shutdown()
            done.signal()
        }
        XCTAssertTrue(idle.isClosedByPeer(), "shutdown has begun")
        XCTAssertEqual(done.wait(timeout: .now()), .timedOut, "shutdown waits for the request in flight")
        release.signal()
        let r = c.readResponse()
        XCTAssertEqual(r?.text, "finished")
        XCTAssertEqual(r?.header("Connection"), "close")
        XCTAssertEqual(done.wait(timeout: .now() + 5), .success)
        XCTAssertThrowsError(try TestClient(port: port))
    }

    /// A handler stuck reading a body that never comes is cut off by the shutdown deadline. The
    /// body-rate grace is far longer than the test's hang guard, so only the deadline can end it.
    func testShutdownDeadlineCutsOffStuckHandlers() throws {
        var limits = HTTPLimits()
        limits.shutdownDeadline = 0.3
        limits.bodyRateGrace = 600
        let entered = DispatchSemaphore(value: 0)
        let failed = DispatchSemaphore(value: 0)
        let server = try startServer(limits: limits, handler: HandlerClosure { req in
            entered.signal()
            do { _ = try req.bodyBytes() } catch {
                failed.signal()
                throw error
            }
            return .text("never")
        })
        let c = try TestClient(port: server.port)
        c.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nab")
        XCTAssertEqual(entered.wait(timeout: .now() + 5), .success)
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            server.shutdown()
            done.signal()
        }
        XCTAssertEqual(done.wait(timeout: .now() + 30), .success, "shutdown returned")
        XCTAssertEqual(failed.wait(timeout: .now()), .success, "the handler's read was cut off, not completed")
        XCTAssertEqual(server.activeConnections, 0)
        XCTAssertTrue(c.isClosedByPeer())
    }

    func testSignalHandlersInstall() throws {
        let server = try startServer(handler: HandlerClosure { _ in .text("ok") })
        server.installSignalHandlers()
        // At once: the handler is live when installSignalHandlers returns, so no signal is lost.
        kill(getpid(), SIGTERM)
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            server.waitUntilStopped()
            done.signal()
        }
        XCTAssertEqual(done.wait(timeout: .now() + 5), .success)
    }
}
