import Glibc
import Synchronization
import XCTest
@testable import HTTPCore

/// Time limits and streamed bodies, over loopback with short limits.
final class RequestDecoderTests: XCTestCase {
    func waitForIdle(_ server: Server, seconds: Double = 3) {
        let end = Date().addingTimeInterval(seconds)
        while server.activeConnections > 0 && Date() < end { usleep(10_000) }
    }

    /// A client that keeps sending but never finishes its head is cut off by the head deadline:
    /// the 408 arrives while it is still trickling, so no per-read idle limit can be the cause.
    func testHeadDeadlineGives408AndFreesTheThread() throws {
        var limits = HTTPLimits()
        limits.headDeadline = 0.5
        let server = try startServer(limits: limits, handler: HandlerClosure { _ in .text("x") })
        defer { server.shutdown() }
        // Each read waits at most 0.1 s, which paces the trickle; 100 bytes bound the test.
        let c = try TestClient(port: server.port, receiveTimeout: 0.1)
        c.send("GET / HTTP/1.1\r\n")
        var response: TestResponse?
        var trickled = 0
        while response == nil && trickled < 100 {
            c.send("X")
            trickled += 1
            response = c.readResponse()
        }
        XCTAssertEqual(response?.status, 408, "answered while the client was still sending (after \(trickled) bytes)")
        XCTAssertEqual(response?.header("Connection"), "close")
        waitForIdle(server)
        XCTAssertEqual(server.activeConnections, 0)
    }

    /// An idle keep-alive connection is closed by the idle limit, not after every response: a
    /// connection to a server with the default limit, idle just as long, still serves.
    func testIdleKeepAliveTimeoutCloses() throws {
        var short = HTTPLimits()
        short.idleTimeout = 0.3
        let server = try startServer(limits: short, handler: HandlerClosure { _ in .text("x") })
        defer { server.shutdown() }
        let control = try startServer(handler: HandlerClosure { _ in .text("y") })
        defer { control.shutdown() }
        let c = try TestClient(port: server.port)
        let d = try TestClient(port: control.port)
        c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        d.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        let first = c.readResponse()
        XCTAssertEqual(first?.status, 200)
        XCTAssertNil(first?.header("Connection"), "the response itself keeps the connection open")
        XCTAssertEqual(d.readResponse()?.status, 200)
        XCTAssertTrue(c.isClosedByPeer())
        d.send("GET /again HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(d.readResponse()?.text, "y", "the control connection, idle as long, is still open")
    }

    func testSlowBodyIsDropped() throws {
        var limits = HTTPLimits()
        limits.minBodyBytesPerSecond = 1000
        limits.bodyRateGrace = 0.3
        let router = Router()
        router.post("/u") { req in .text("\(try req.bodyBytes().count)") }
        let server = try startServer(limits: limits, handler: router.makeHandler())
        defer { server.shutdown() }
        // No other limit ends a body this early: the client's 5 s read timeout is only a hang guard.
        let c = try TestClient(port: server.port)
        c.send("POST /u HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n0123456789")
        let r = c.readResponse()
        XCTAssertEqual(r?.status, 408)
        waitForIdle(server)
        XCTAssertEqual(server.activeConnections, 0)
    }

    /// 50 MiB through a streaming route, chunked and with Content-Length, while the buffered
    /// limit is 1 MiB: the handler sees pieces, and the process's peak memory barely moves.
    func testStreamedUploadsStayOutOfMemory() throws {
        let router = Router()
        let largest = LockedMax()
        router.post("/upload", options: .streaming(maxBodySize: 100 << 20)) { req in
            var total = 0
            var sum: UInt64 = 0
            while let piece = try req.body.next() {
                largest.update(piece.count)
                total += piece.count
                for b in piece { sum &+= UInt64(b) }
            }
            return .text("\(total) \(sum)")
        }
        router.post("/buffered") { req in .text("\(try req.bodyBytes().count)") }
        let server = try startServer(handler: router.makeHandler())
        defer { server.shutdown() }
        let size = 50 << 20
        let block = [UInt8]((0..<65536).map { UInt8($0 & 0xFF) })
        let expectedSum = UInt64(size / 65536) * UInt64((0..<65536).reduce(0) { $0 + ($1 & 0xFF) })
        let c = try TestClient(port: server.port, receiveTimeout: 30)
        let growth = try PeakMemory.growth {
            c.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: \(size)\r\n\r\n")
            for _ in 0..<(size / block.count) { c.send(block) }
            XCTAssertEqual(c.readResponse()?.text, "\(size) \(expectedSum)")

            c.send("POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
            let frame = Array("10000\r\n".utf8) + block + Array("\r\n".utf8)
            for _ in 0..<(size / block.count) { c.send(frame) }
            c.send("0\r\n\r\n")
            XCTAssertEqual(c.readResponse()?.text, "\(size) \(expectedSum)")
        }
        if PeakMemory.isMeaningful {
            XCTAssertLessThan(growth, 16 * 1024, "peak RSS grew by \(growth) KiB for two 50 MiB uploads")
        }
        XCTAssertLessThanOrEqual(largest.value, 64 * 1024)

        // The same size to a buffered route is refused at once, from Content-Length alone.
        let d = try TestClient(port: server.port)
        d.send("POST /buffered HTTP/1.1\r\nHost: x\r\nContent-Length: \(size)\r\n\r\n")
        XCTAssertEqual(d.readResponse()?.status, 413)
    }

    func testStreamLimitPerRoute() throws {
        let router = Router()
        router.post("/u", options: .streaming(maxBodySize: 100_000)) { req in
            while try req.body.next() != nil {}
            return .text("read")
        }
        let server = try startServer(handler: router.makeHandler())
        defer { server.shutdown() }
        let c = try TestClient(port: server.port)
        c.send("POST /u HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
        let piece = Array("8000\r\n".utf8) + [UInt8](repeating: 65, count: 0x8000) + Array("\r\n".utf8)
        for _ in 0..<5 { c.send(piece) }
        c.send("0\r\n\r\n")
        let r = c.readResponse()
        XCTAssertEqual(r?.status, 413)
        XCTAssertEqual(r?.header("Connection"), "close")
    }
}

final class LockedMax: Sendable {
    private let largest = Mutex(0)
    var value: Int { largest.withLock { $0 } }
    func update(_ v: Int) { largest.withLock { $0 = max($0, v) } }
}
