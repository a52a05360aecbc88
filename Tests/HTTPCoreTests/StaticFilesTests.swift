import Glibc
import XCTest
@testable import HTTPCore

final class StaticFilesTests: XCTestCase {
    var base = ""
    var server: Server!

    override func setUpWithError() throws {
        base = NSTemporaryDirectory() + "candor-static-\(UUID().uuidString)"
        let fm = FileManager.default
        try fm.createDirectory(atPath: base + "/public/css", withIntermediateDirectories: true)
        try "body{}".write(toFile: base + "/public/css/site.css", atomically: true, encoding: .utf8)
        try "<p>hi</p>".write(toFile: base + "/public/index.html", atomically: true, encoding: .utf8)
        try "dot".write(toFile: base + "/public/.hidden", atomically: true, encoding: .utf8)
        try String(repeating: "0123456789abcdef", count: 100_000).write(toFile: base + "/public/big.bin", atomically: true, encoding: .utf8)
        try "TOP SECRET".write(toFile: base + "/secret.txt", atomically: true, encoding: .utf8)
        try fm.createSymbolicLink(atPath: base + "/public/link.txt", withDestinationPath: base + "/secret.txt")
        try fm.createSymbolicLink(atPath: base + "/public/outdir", withDestinationPath: base)
        let router = Router()
        router.get("/static/*", handler: try StaticFiles(root: base + "/public"))
        server = try startServer(handler: router.makeHandler())
    }

    override func tearDownWithError() throws {
        server.shutdown()
        try? FileManager.default.removeItem(atPath: base)
    }

    func get(_ target: String, headers: String = "", head: Bool = false) throws -> TestResponse? {
        let c = try TestClient(port: server.port)
        c.send("\(head ? "HEAD" : "GET") \(target) HTTP/1.1\r\nHost: x\r\n\(headers)\r\n")
        return c.readResponse(isHead: head)
    }

    func testServesWithTypeETagAnd304() throws {
        let r = try XCTUnwrap(get("/static/css/site.css"))
        XCTAssertEqual(r.status, 200)
        XCTAssertEqual(r.text, "body{}")
        XCTAssertEqual(r.header("Content-Type"), "text/css; charset=utf-8")
        XCTAssertEqual(r.header("Cache-Control"), "no-cache")
        XCTAssertEqual(r.header("X-Content-Type-Options"), "nosniff")
        let etag = try XCTUnwrap(r.header("ETag"))
        let again = try XCTUnwrap(get("/static/css/site.css", headers: "If-None-Match: \"nope\", \(etag)\r\n"))
        XCTAssertEqual(again.status, 304)
        XCTAssertEqual(again.header("ETag"), etag)
        XCTAssertEqual(try get("/static/css/site.css", headers: "If-None-Match: \"other\"\r\n")?.status, 200)
    }

    func testLargeFileStreamsAndHeadHasNoBody() throws {
        let r = try XCTUnwrap(get("/static/big.bin"))
        XCTAssertEqual(r.body.count, 1_600_000)
        XCTAssertEqual(r.header("Content-Type"), "application/octet-stream")
        let h = try XCTUnwrap(get("/static/big.bin", head: true))
        XCTAssertEqual(h.header("Content-Length"), "1600000")
        XCTAssertTrue(h.body.isEmpty)
    }

    func testTraversalAttemptsRefused() throws {
        let attempts = [
            "/static/../secret.txt", "/static/css/../../secret.txt", "/static/%2e%2e/secret.txt",
            "/static/%2E%2E/secret.txt", "/static/..%2fsecret.txt", "/static/css%2f..%2f..%2fsecret.txt",
            "/static/..%5csecret.txt", "/static/link.txt", "/static/outdir/secret.txt", "/static/index.html%00.css",
            "/static/.hidden", "/static/css", "/static/", "/static/css/..%2F..%2Fsecret.txt", "/static//etc/passwd",
            "/static/%2fetc%2fpasswd", "/static/a\\..\\secret.txt",
        ]
        for a in attempts {
            let r = try get(a)
            XCTAssertNotNil(r, a)
            XCTAssertNotEqual(r?.status, 200, a)
            XCTAssertFalse(r?.text.contains("TOP SECRET") ?? false, a)
        }
    }

    func testPureSafetyCheck() {
        XCTAssertTrue(StaticFiles.isSafe(rawTarget: "/a/b.css?v=%2e", segments: ["a", "b.css"]))
        XCTAssertFalse(StaticFiles.isSafe(rawTarget: "/a/%2E", segments: ["a", "."]))
        XCTAssertFalse(StaticFiles.isSafe(rawTarget: "/a", segments: ["a\u{0}"]))
        XCTAssertFalse(StaticFiles.isSafe(rawTarget: "/", segments: []))
    }
}
