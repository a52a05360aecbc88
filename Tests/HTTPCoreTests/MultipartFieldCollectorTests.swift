import XCTest
@testable import HTTPCore

/// Records what it is given into a shared log, so tests can see writes, finishes and aborts.
final class SinkLog {
    var events: [String] = []
    var bytes: [String: [UInt8]] = [:]
}

struct RecordingSink: FilePartSink {
    let name: String
    let log: SinkLog
    var failOnWrite = false

    mutating func write(_ bytes: [UInt8]) throws {
        if failOnWrite { throw FormError(status: 507, message: "disk full") }
        log.bytes[name, default: []] += bytes
    }

    mutating func finish() throws { log.events.append("finish \(name)") }
    mutating func abort() { log.events.append("abort \(name)") }
}

final class MultipartFieldCollectorTests: XCTestCase {
    func testCollectsFieldsAndStreamsFiles() throws {
        let log = SinkLog()
        let body = BrowserBody.body
        var offset = 0
        let result = try MultipartParser.collectFields(
            contentType: BrowserBody.contentType,
            read: {
                guard offset < body.count else { return nil }
                let end = min(offset + 17, body.count)
                defer { offset = end }
                return Array(body[offset..<end])
            },
            openFile: { headers in
                log.events.append("open \(headers.name) \(headers.filename ?? "-")")
                return RecordingSink(name: headers.name, log: log)
            })
        XCTAssertEqual(result.fields.map(\.name), ["title", "note"])
        XCTAssertEqual(result.first("title"), "Leak of 报告\r\nsecond line")
        XCTAssertEqual(result.all("note"), [""])
        XCTAssertEqual(result.files.map(\.headers.filename), ["scan.bin", "empty.txt"])
        XCTAssertEqual(log.events, ["open evidence scan.bin", "finish evidence", "open extra empty.txt", "finish extra"])
        XCTAssertEqual(log.bytes["evidence"], BrowserBody.binary)
        XCTAssertNil(log.bytes["extra"])
    }

    func testTruncatedBodyAbortsEverySink() {
        let log = SinkLog()
        let cut = Array(BrowserBody.body.dropLast(6))
        assertFormError(400, "closing boundary") {
            _ = try MultipartParser.collectFields(contentType: BrowserBody.contentType, body: cut) { headers in
                RecordingSink(name: headers.name, log: log)
            }
        }
        XCTAssertEqual(log.events, ["finish evidence", "abort extra", "abort evidence"])
    }

    func testSinkErrorsPropagateAndAbort() {
        let log = SinkLog()
        XCTAssertThrowsError(try MultipartParser.collectFields(contentType: BrowserBody.contentType, body: BrowserBody.body) {
            RecordingSink(name: $0.name, log: log, failOnWrite: true)
        }) { error in
            XCTAssertEqual((error as? FormError)?.status, 507)
        }
        XCTAssertEqual(log.events, ["abort evidence"])
    }

    func testFieldsMustBeUTF8WithoutNUL() {
        let log = SinkLog()
        let open: (MultipartPartHeaders) throws -> RecordingSink = { RecordingSink(name: $0.name, log: log) }
        let type = "multipart/form-data; boundary=x"
        let invalid = Array("--x\r\nContent-Disposition: form-data; name=a\r\n\r\n".utf8) + [0xFF]
            + Array("\r\n--x--".utf8)
        assertFormError(400, "UTF-8") { _ = try MultipartParser.collectFields(contentType: type, body: invalid, openFile: open) }
        let nul = Array("--x\r\nContent-Disposition: form-data; name=a\r\n\r\na\u{0}b\r\n--x--".utf8)
        assertFormError(400, "NUL") { _ = try MultipartParser.collectFields(contentType: type, body: nul, openFile: open) }
    }

    func testFieldLimitAppliesToCollectedFields() {
        let log = SinkLog()
        let body = Array("--x\r\nContent-Disposition: form-data; name=a\r\n\r\n\(String(repeating: "v", count: 100))\r\n--x--".utf8)
        assertFormError(413) {
            _ = try MultipartParser.collectFields(
                contentType: "multipart/form-data; boundary=x", limits: MultipartLimits(maxFieldBytes: 99), body: body
            ) { RecordingSink(name: $0.name, log: log) }
        }
    }
}
