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

    func testHeadDeadlineGives408AndFreesTheThread() throws {
        var limits = HTTPLimits()
        limits.headDeadline = 0.5
        let server = try startServer(limits: limits, handler: HandlerClosure { _ in .text("x") })
        defer { server.shutdown() }
        let c = try TestClient(port: server.port)
        let start = Date()
        c.send("GET / HTTP/1.1\r\n")
        for _ in 0..<20 {
            usleep(100_000)
            c.send("X")
        }
        _ = start
        let r = c.readResponse()
        XCTAssertEqual(r?.status, 408)
        XCTAssertLessThan(Date().timeIntervalSince(start), 2.5)
        waitForIdle(server)
        XCTAssertEqual(server.activeConnections, 0)
    }

    func testIdleKeepAliveTimeoutCloses() throws {
        var limits = HTTPLimits()
        limits.idleTimeout = 0.3
        let server = try startServer(limits: limits, handler: HandlerClosure { _ in .text("x") })
        defer { server.shutdown() }
        let c = try TestClient(port: server.port)
        c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(c.readResponse()?.status, 200)
        let start = Date()
        XCTAssertTrue(c.isClosedByPeer())
        let waited = Date().timeIntervalSince(start)
        XCTAssertGreaterThan(waited, 0.2)
        XCTAssertLessThan(waited, 2)
    }

    func testSlowBodyIsDropped() throws {
        var limits = HTTPLimits()
        limits.minBodyBytesPerSecond = 1000
        limits.bodyRateGrace = 0.3
        let router = Router()
        router.post("/u") { req in .text("\(try req.bodyBytes().count)") }
        let server = try startServer(limits: limits, handler: router.makeHandler())
        defer { server.shutdown() }
        let c = try TestClient(port: server.port)
        let start = Date()
        c.send("POST /u HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n0123456789")
        let r = c.readResponse()
        XCTAssertEqual(r?.status, 408)
        XCTAssertLessThan(Date().timeIntervalSince(start), 3)
        waitForIdle(server)
        XCTAssertEqual(server.activeConnections, 0)
    }

    func peakRSSKiB() -> Int {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]) ?? 0
        }
        return 0
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
        let before = peakRSSKiB()

        let c = try TestClient(port: server.port, receiveTimeout: 30)
        c.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: \(size)\r\n\r\n")
        for _ in 0..<(size / block.count) { c.send(block) }
        XCTAssertEqual(c.readResponse()?.text, "\(size) \(expectedSum)")

        c.send("POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
        let frame = Array("10000\r\n".utf8) + block + Array("\r\n".utf8)
        for _ in 0..<(size / block.count) { c.send(frame) }
        c.send("0\r\n\r\n")
        XCTAssertEqual(c.readResponse()?.text, "\(size) \(expectedSum)")

        let growth = peakRSSKiB() - before
        XCTAssertLessThan(growth, 16 * 1024, "peak RSS grew by \(growth) KiB for two 50 MiB uploads")
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
