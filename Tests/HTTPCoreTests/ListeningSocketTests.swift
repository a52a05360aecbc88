import Glibc
import XCTest
@testable import HTTPCore

final class ListeningSocketTests: XCTestCase {
    func testEphemeralPortsOnIPv4AndIPv6() throws {
        let (fd4, port4) = try ListeningSocket.open(host: "127.0.0.1", port: 0, backlog: 8)
        defer { close(fd4) }
        XCTAssertGreaterThan(port4, 0)
        let (fd6, port6) = try ListeningSocket.open(host: "::1", port: 0, backlog: 8)
        defer { close(fd6) }
        XCTAssertGreaterThan(port6, 0)
        XCTAssertThrowsError(try ListeningSocket.open(host: "127.0.0.1", port: port4, backlog: 8), "port in use")
        XCTAssertThrowsError(try ListeningSocket.open(host: "no such host.invalid", port: 0, backlog: 8))
    }

    func testServerRefusesSecondStart() throws {
        let s = try startServer(handler: HandlerClosure { _ in .text("") })
        defer { s.shutdown() }
        XCTAssertThrowsError(try s.start())
    }
}
