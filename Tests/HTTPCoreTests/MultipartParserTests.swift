import XCTest
@testable import HTTPCore

/// Events with adjacent data chunks merged, so runs fed in different chunk sizes compare equal.
func mergedEvents(_ events: [MultipartEvent]) -> [MultipartEvent] {
    var merged: [MultipartEvent] = []
    for event in events {
        if case .partData(let bytes) = event, case .partData(let previous)? = merged.last {
            merged[merged.count - 1] = .partData(previous + bytes)
        } else {
            merged.append(event)
        }
    }
    return merged
}

/// Parses `body` fed in chunks of the given sizes (cycled), then finishes.
func parseMultipart(
    _ body: [UInt8], contentType: String, chunkSizes: [Int] = [Int.max], limits: MultipartLimits = .init()
) throws -> [MultipartEvent] {
    var parser = try MultipartParser(contentType: contentType, limits: limits)
    var events: [MultipartEvent] = []
    var offset = 0
    var turn = 0
    while offset < body.count {
        let size = min(chunkSizes[turn % chunkSizes.count], body.count - offset)
        events += try parser.feed(Array(body[offset..<offset + size]))
        offset += size
        turn += 1
    }
    try parser.finish()
    return mergedEvents(events)
}

/// A body as Chrome sends it: two fields, a binary file whose content holds CRLFs and
/// boundary-like bytes, and an empty file.
enum BrowserBody {
    static let boundary = "----WebKitFormBoundaryq8WbGz1c0EDeZT7a"
    static let contentType = "multipart/form-data; boundary=\(boundary)"
    static let binary: [UInt8] = {
        var bytes: [UInt8] = [0x00, 0xFF, 0x0D, 0x0A, 0x0D, 0x0A]
        bytes += Array("\r\n--\(boundary.dropLast())".utf8)  // all but the last byte of a delimiter
        bytes += Array("\r\n-\(boundary)\r\n".utf8)
        bytes += Array("X--\(boundary)--".utf8)  // no CRLF before it: not a delimiter
        bytes += (0...255).map { UInt8($0) }
        bytes += [0x0D]
        return bytes
    }()

    static var body: [UInt8] {
        var body: [UInt8] = []
        func add(_ text: String) { body += Array(text.utf8) }
        add("--\(boundary)\r\n")
        add("Content-Disposition: form-data; name=\"title\"\r\n\r\n")
        add("Leak of 报告\r\nsecond line")
        add("\r\n--\(boundary)\r\n")
        add("Content-Disposition: form-data; name=\"note\"\r\n\r\n")
        add("\r\n--\(boundary)\r\n")
        add("Content-Disposition: form-data; name=\"evidence\"; filename=\"scan.bin\"\r\n")
        add("Content-Type: application/octet-stream\r\n\r\n")
        body += binary
        add("\r\n--\(boundary)\r\n")
        add("Content-Disposition: form-data; name=\"extra\"; filename=\"empty.txt\"\r\n")
        add("Content-Type: text/plain\r\n\r\n")
        add("\r\n--\(boundary)--\r\n")
        return body
    }
}

final class MultipartParserTests: XCTestCase {
    private let contentType = BrowserBody.contentType

    func testBrowserBodyFedWhole() throws {
        let events = try parseMultipart(BrowserBody.body, contentType: contentType)
        XCTAssertEqual(events.count, 10)
        guard case .partBegin(let title) = events[0], case .partData(let titleData) = events[1],
              case .partEnd = events[2], case .partBegin(let note) = events[3], case .partEnd = events[4],
              case .partBegin(let file) = events[5], case .partData(let fileData) = events[6],
              case .partEnd = events[7], case .partBegin(let empty) = events[8], case .partEnd = events[9]
        else { return XCTFail("unexpected events \(events)") }
        XCTAssertEqual(title.name, "title")
        XCTAssertEqual(String(decoding: titleData, as: UTF8.self), "Leak of 报告\r\nsecond line")
        XCTAssertEqual(note.name, "note")
        XCTAssertEqual(file.filename, "scan.bin")
        XCTAssertEqual(file.contentType, "application/octet-stream")
        XCTAssertEqual(fileData, BrowserBody.binary)
        XCTAssertEqual(empty.filename, "empty.txt")
        XCTAssertTrue(empty.isFile)
    }

    func testSameEventsWholeByteByByteAndRandomChunks() throws {
        let body = BrowserBody.body
        let whole = try parseMultipart(body, contentType: contentType)
        XCTAssertEqual(try parseMultipart(body, contentType: contentType, chunkSizes: [1]), whole)
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<50 {
            let sizes = (0..<7).map { _ in Int.random(in: 1...80, using: &generator) }
            XCTAssertEqual(try parseMultipart(body, contentType: contentType, chunkSizes: sizes), whole, "sizes \(sizes)")
        }
    }

    func testBoundaryStraddlingEveryChunkSplit() throws {
        let body = BrowserBody.body
        let whole = try parseMultipart(body, contentType: contentType)
        for split in 1..<body.count {
            var parser = try MultipartParser(contentType: contentType)
            var events = try parser.feed(Array(body[..<split]))
            events += try parser.feed(Array(body[split...]))
            try parser.finish()
            XCTAssertEqual(mergedEvents(events), whole, "split at \(split)")
        }
    }

    func testQuotedBoundaryPreambleEpilogueAndPadding() throws {
        let body = Array((
            "This is the preamble; --b:c is not a delimiter.\r\n"
            + "--b:c \t\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1"
            + "\r\n--b:c\r\nContent-Disposition: form-data; name=\"b\"\r\n\r\n2"
            + "\r\n--b:c--  \r\nThis is the epilogue.\r\n--b:c\r\n"
        ).utf8)
        let events = try parseMultipart(body, contentType: "multipart/form-data; boundary=\"b:c\"")
        XCTAssertEqual(events.count, 6)
        XCTAssertEqual(events[1], .partData([UInt8(ascii: "1")]))
        XCTAssertEqual(events[4], .partData([UInt8(ascii: "2")]))
        XCTAssertEqual(
            try parseMultipart(body, contentType: "multipart/form-data; boundary=\"b:c\"", chunkSizes: [1]), events)
    }

    func testEmptyFormAndNoHeaderPart() throws {
        XCTAssertEqual(try parseMultipart(Array("--x--".utf8), contentType: "multipart/form-data; boundary=x"), [])
        assertFormError(400, "Content-Disposition") {
            _ = try parseMultipart(Array("--x\r\n\r\nabc\r\n--x--".utf8), contentType: "multipart/form-data; boundary=x")
        }
    }

    func testMissingBoundaryParameter() {
        assertFormError(400, "boundary") { _ = try MultipartParser(contentType: "multipart/form-data") }
    }

    func testMissingClosingDelimiter() {
        let cut = Array(BrowserBody.body.dropLast(4))  // "--\r\n" gone
        assertFormError(400, "closing boundary") { _ = try parseMultipart(cut, contentType: contentType) }
        assertFormError(400, "closing boundary") { _ = try parseMultipart([], contentType: contentType) }
        assertFormError(400, "closing boundary") {
            _ = try parseMultipart(Array("no boundary at all".utf8), contentType: contentType)
        }
        let truncated = Array(BrowserBody.body.prefix(300))
        assertFormError(400, "closing boundary") { _ = try parseMultipart(truncated, contentType: contentType, chunkSizes: [7]) }
    }

    func testBoundaryLineMustEndWithCRLF() {
        assertFormError(400, "CRLF") {
            _ = try parseMultipart(Array("--xy\r\n".utf8), contentType: "multipart/form-data; boundary=x")
        }
        assertFormError(400, "CRLF") {
            _ = try parseMultipart(Array("--x\rA".utf8), contentType: "multipart/form-data; boundary=x")
        }
    }

    func testErrorsAreSticky() throws {
        var parser = try MultipartParser(contentType: "multipart/form-data; boundary=x")
        assertFormError(400) { _ = try parser.feed(Array("--x!!".utf8)) }
        assertFormError(400) { _ = try parser.feed(Array("\r\n".utf8)) }
        assertFormError(400) { try parser.finish() }
    }

    func testPartCountLimit() {
        var body = ""
        for index in 0..<4 { body += "--x\r\nContent-Disposition: form-data; name=\"f\(index)\"\r\n\r\nv\r\n" }
        body += "--x--"
        let limits = MultipartLimits(maxParts: 3)
        assertFormError(413, "parts") {
            _ = try parseMultipart(Array(body.utf8), contentType: "multipart/form-data; boundary=x", limits: limits)
        }
        XCTAssertNoThrow(try parseMultipart(Array(body.utf8), contentType: "multipart/form-data; boundary=x",
                                            limits: MultipartLimits(maxParts: 4)))
    }

    private func onePart(_ disposition: String, _ content: String) -> [UInt8] {
        Array("--x\r\nContent-Disposition: form-data; \(disposition)\r\n\r\n\(content)\r\n--x--".utf8)
    }

    func testFieldAndFileSizeLimits() throws {
        let limits = MultipartLimits(maxFieldBytes: 10, maxFileBytes: 20)
        let type = "multipart/form-data; boundary=x"
        for sizes in [[Int.max], [1], [3]] {
            XCTAssertNoThrow(try parseMultipart(onePart("name=a", String(repeating: "f", count: 10)), contentType: type, chunkSizes: sizes, limits: limits))
            assertFormError(413, "field") {
                _ = try parseMultipart(onePart("name=a", String(repeating: "f", count: 11)), contentType: type, chunkSizes: sizes, limits: limits)
            }
            XCTAssertNoThrow(try parseMultipart(onePart("name=a; filename=b", String(repeating: "f", count: 20)), contentType: type, chunkSizes: sizes, limits: limits))
            assertFormError(413, "file") {
                _ = try parseMultipart(onePart("name=a; filename=b", String(repeating: "f", count: 21)), contentType: type, chunkSizes: sizes, limits: limits)
            }
        }
    }

    func testTotalLimit() {
        let limits = MultipartLimits(maxTotalBytes: BrowserBody.body.count - 1)
        assertFormError(413, "body") { _ = try parseMultipart(BrowserBody.body, contentType: contentType, limits: limits) }
        assertFormError(413, "body") {
            _ = try parseMultipart(BrowserBody.body, contentType: contentType, chunkSizes: [5], limits: limits)
        }
    }

    func testHeaderBlockLimit() throws {
        let limits = MultipartLimits(maxPartHeaderBytes: 64)
        let type = "multipart/form-data; boundary=x"
        let header = "Content-Disposition: form-data; name=\"a\"\r\nX-Pad: " // 49 bytes
        let fits = Array(("--x\r\n" + header + String(repeating: "p", count: 15) + "\r\n\r\nv\r\n--x--").utf8)
        XCTAssertNoThrow(try parseMultipart(fits, contentType: type, chunkSizes: [1], limits: limits))
        XCTAssertNoThrow(try parseMultipart(fits, contentType: type, limits: limits))
        let over = Array(("--x\r\n" + header + String(repeating: "p", count: 16) + "\r\n\r\nv\r\n--x--").utf8)
        for sizes in [[Int.max], [1], [13]] {
            assertFormError(413, "headers") { _ = try parseMultipart(over, contentType: type, chunkSizes: sizes, limits: limits) }
        }
        // A header block that never ends is refused once it passes the limit, not at the end.
        var parser = try MultipartParser(contentType: type, limits: limits)
        _ = try parser.feed(Array(("--x\r\n" + header).utf8))
        assertFormError(413, "headers") { _ = try parser.feed(Array(repeating: UInt8(ascii: "p"), count: 100)) }
    }

    func testMemoryStaysConstantForALargeFile() throws {
        let boundary = "----WebKitFormBoundaryLargeFileTest0123"
        var parser = try MultipartParser(contentType: "multipart/form-data; boundary=\(boundary)")
        let bound = boundary.utf8.count + 4
        _ = try parser.feed(Array(
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"f\"; filename=\"big.bin\"\r\n\r\n".utf8))
        // Content full of CRLF and dashes, so partial delimiter matches happen everywhere.
        var chunk = [UInt8](repeating: 0x41, count: 64 * 1024)
        for index in stride(from: 0, to: chunk.count, by: 97) { chunk[index] = .cr }
        for index in stride(from: 1, to: chunk.count, by: 97) { chunk[index] = .lf }
        for index in stride(from: 2, to: chunk.count, by: 97) { chunk[index] = .dash }
        for index in stride(from: 3, to: chunk.count, by: 97) { chunk[index] = .dash }
        var fileBytes = 0
        for _ in 0..<(50 * 16) {  // 50 MiB
            for event in try parser.feed(chunk) {
                if case .partData(let bytes) = event { fileBytes += bytes.count }  // the discarding sink
            }
            XCTAssertLessThan(parser.bufferedByteCount, bound)
        }
        for event in try parser.feed(Array("\r\n--\(boundary)--\r\n".utf8)) {
            if case .partData(let bytes) = event { fileBytes += bytes.count }
        }
        try parser.finish()
        XCTAssertEqual(fileBytes, 50 * 1024 * 1024)
        XCTAssertEqual(parser.bufferedByteCount, 0)
        XCTAssertTrue(parser.isComplete)
    }

    func testRegressionCloseDelimiterSplit() throws {
        let body = Array("--x\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--x--\r\nC: d\r\n".utf8)
        let whole = try parseMultipart(body, contentType: "multipart/form-data; boundary=x")
        for split in 1..<body.count {
            var parser = try MultipartParser(contentType: "multipart/form-data; boundary=x")
            var events = try parser.feed(Array(body[..<split]))
            events += try parser.feed(Array(body[split...]))
            try parser.finish()
            XCTAssertEqual(mergedEvents(events), whole, "split at \(split)")
        }
    }

    func testUnsafeRawBufferFeed() throws {
        var parser = try MultipartParser(contentType: contentType)
        let events = try BrowserBody.body.withUnsafeBytes { try parser.feed($0) }
        try parser.finish()
        XCTAssertEqual(mergedEvents(events), try parseMultipart(BrowserBody.body, contentType: contentType))
    }
}
