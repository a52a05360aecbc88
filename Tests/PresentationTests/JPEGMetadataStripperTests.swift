import XCTest
@testable import Presentation

/// An independent, whole-buffer walk of T.81 Annex B syntax, to check the stripper's output.
private struct ParsedJPEG {
    var markers: [UInt8] = []
    var segments: [(code: UInt8, payload: [UInt8])] = []
    /// From the first SOS marker through EOI, inclusive: header, entropy-coded data, tables
    /// between progressive scans. Image data the stripper must not alter.
    var imageData: ArraySlice<UInt8> = []
    /// Index just after EOI.
    var end = 0
}

private func parseJPEG(_ b: [UInt8]) -> ParsedJPEG? {
    guard b.starts(with: [0xFF, 0xD8]) else { return nil }
    var p = ParsedJPEG()
    p.markers = [0xD8]
    var i = 2
    var firstSOS: Int?
    while true {
        guard i < b.count, b[i] == 0xFF else { return nil }
        let start = i
        while i < b.count && b[i] == 0xFF { i += 1 }
        guard i < b.count else { return nil }
        let code = b[i]
        i += 1
        p.markers.append(code)
        if code == 0xD9 {
            p.end = i
            p.imageData = b[(firstSOS ?? start) ..< i]
            return p
        }
        guard i + 2 <= b.count else { return nil }
        let length = Int(b[i]) << 8 | Int(b[i + 1])
        guard length >= 2, i + length <= b.count else { return nil }
        p.segments.append((code, Array(b[i + 2 ..< i + length])))
        i += length
        if code == 0xDA {
            if firstSOS == nil { firstSOS = start }
            // Entropy-coded data ends at the first 0xFF not followed by 00 or RSTn.
            while i + 1 < b.count, !(b[i] == 0xFF && b[i + 1] != 0x00 && !(0xD0 ... 0xD7).contains(b[i + 1])) { i += 1 }
        }
    }
}

private func segment(_ code: UInt8, _ payload: [UInt8]) -> [UInt8] {
    let length = payload.count + 2
    return [0xFF, code, UInt8(length >> 8), UInt8(length & 0xFF)] + payload
}

private let secrets = ["GPS-SECRET-LOCATION", "Canon SERIAL 12345", "Reporter Name", "XMP-AUTHOR", "COMMENT-Reporter",
                       "Exif", "adobe:ns:meta", "IPTC-BYLINE", "THUMB", "TRAILING-SECRET", "MPF", "ADOBE-EXTRA", "JFXX"]

final class JPEGMetadataStripperTests: XCTestCase {
    /// The Pillow fixture with extra segments spliced in: a JFIF thumbnail, APP13 IPTC, APP2 MPF,
    /// JFXX, an Adobe segment with extra bytes, fill bytes before a marker, a second EXIF-bearing
    /// image after EOI (as MPF cameras write them), and trailing text.
    private var spliced: [UInt8] {
        let jfifWithThumbnail: [UInt8] = Array("JFIF\0".utf8) + [1, 2, 1, 0, 72, 0, 72, 2, 1] + Array("THUMB!".utf8)
        return [0xFF, 0xD8]
            + segment(0xE0, jfifWithThumbnail)
            + segment(0xE0, Array("JFXX\0\u{10}THUMB".utf8))
            + segment(0xE1, Array("Exif\0\0GPS-SECRET-LOCATION".utf8))
            + segment(0xED, Array("Photoshop 3.0\0IPTC-BYLINE Reporter Name".utf8))
            + segment(0xE2, Array("MPF\0Reporter Name".utf8))
            + segment(0xEE, Array("Adobe".utf8) + [0, 100, 0, 0, 0, 0, 1] + Array("ADOBE-EXTRA".utf8))
            + segment(0xFE, [])
            + [0xFF, 0xFF, 0xFF]  // fill bytes (T.81 B.1.1.2) before the next marker
            + MetadataFixtures.jpegWithMetadata.dropFirst(3)
            + MetadataFixtures.jpegWithMetadata
            + Array("TRAILING-SECRET".utf8)
    }

    private func strip(_ input: [UInt8], options: JPEGMetadataStripper.Options = .init()) throws -> [UInt8] {
        var s = JPEGMetadataStripper(options: options)
        return try s.transformAll(input)
    }

    func testFixtureReallyCarriesMetadataAndRestartMarkers() throws {
        let input = MetadataFixtures.jpegWithMetadata
        for secret in ["GPS-SECRET-LOCATION", "Canon SERIAL 12345", "Reporter Name", "XMP-AUTHOR", "COMMENT-Reporter"] {
            XCTAssertTrue(containsASCII(input, secret), secret)
        }
        let parsed = try XCTUnwrap(parseJPEG(input))
        XCTAssertTrue(parsed.markers.contains(0xE1) && parsed.markers.contains(0xFE) && parsed.markers.contains(0xDD))
        let scan = Array(parsed.imageData)
        XCTAssertTrue(zip(scan, scan.dropFirst()).contains { $0 == 0xFF && (0xD0 ... 0xD7).contains($1) }, "RSTn in the scan")
    }

    func testStripsEXIFXMPAndCommentAndKeepsImageDataByteForByte() throws {
        let input = MetadataFixtures.jpegWithMetadata
        let out = try strip(input)
        for secret in secrets { XCTAssertFalse(containsASCII(out, secret), secret) }
        let before = try XCTUnwrap(parseJPEG(input))
        let after = try XCTUnwrap(parseJPEG(out), "output is not a well-formed JPEG")
        XCTAssertEqual(after.end, out.count)
        XCTAssertEqual(after.imageData, before.imageData)
        XCTAssertFalse(after.markers.contains(0xE1))
        XCTAssertFalse(after.markers.contains(0xFE))
        // Decoder tables and frame kept, in order.
        XCTAssertEqual(after.markers.filter { $0 != 0xE0 && $0 != 0xE2 }, before.markers.filter { ![0xE0, 0xE1, 0xE2, 0xFE].contains($0) })
        XCTAssertTrue(containsASCII(out, "ICC_PROFILE"), "ICC profile kept by default")
        // Stripping is idempotent: a clean file passes through unchanged.
        XCTAssertEqual(try strip(out), out)
    }

    func testProgressiveScansAndTablesBetweenThemAreKept() throws {
        let input = MetadataFixtures.progressiveJPEG
        let out = try strip(input)
        let before = try XCTUnwrap(parseJPEG(input))
        let after = try XCTUnwrap(parseJPEG(out))
        XCTAssertGreaterThan(after.markers.filter { $0 == 0xDA }.count, 1)
        XCTAssertEqual(after.imageData, before.imageData)
        for secret in secrets { XCTAssertFalse(containsASCII(out, secret), secret) }
    }

    func testRewritesJFIFAndAdobeDropsOtherAPPnAndEverythingAfterEOI() throws {
        let input = spliced
        let out = try strip(input)
        for secret in secrets { XCTAssertFalse(containsASCII(out, secret), secret) }
        let after = try XCTUnwrap(parseJPEG(out))
        XCTAssertEqual(after.end, out.count, "nothing after EOI")
        XCTAssertEqual(after.markers.filter { $0 == 0xD8 }.count, 1, "the appended second image is gone")
        let app0 = after.segments.filter { $0.code == 0xE0 }
        XCTAssertEqual(app0.first?.payload, Array("JFIF\0".utf8) + [1, 2, 1, 0, 72, 0, 72, 0, 0], "JFIF without thumbnail")
        let app14 = after.segments.filter { $0.code == 0xEE }.map(\.payload)
        XCTAssertEqual(app14, [Array("Adobe".utf8) + [0, 100, 0, 0, 0, 0, 1]])
        XCTAssertEqual(after.segments.filter { $0.code == 0xE2 }.count, 1, "ICC kept, MPF dropped")
        XCTAssertEqual(after.imageData, try XCTUnwrap(parseJPEG(MetadataFixtures.jpegWithMetadata)).imageData)
    }

    func testICCProfileCanBeDropped() throws {
        let out = try strip(MetadataFixtures.jpegWithMetadata, options: .init(keepICCProfile: false))
        XCTAssertFalse(containsASCII(out, "ICC_PROFILE"))
        XCTAssertNotNil(parseJPEG(out))
    }

    func testOutputDoesNotDependOnHowTheInputIsSplit() throws {
        try assertSplitIndependent({ JPEGMetadataStripper() }, MetadataFixtures.jpegWithMetadata)
        try assertSplitIndependent({ JPEGMetadataStripper() }, MetadataFixtures.progressiveJPEG)
        try assertSplitIndependent({ JPEGMetadataStripper() }, spliced)
    }

    private func assertFails(_ input: [UInt8], _ kind: MetadataError.Kind, _ fragment: String,
                             file: StaticString = #filePath, line: UInt = #line) {
        // Whole and byte by byte: the error must not depend on the split either.
        for pieces in [input.count, 1] {
            var s = JPEGMetadataStripper()
            XCTAssertThrowsError(try s.transform(input, nextSize: { pieces }), file: file, line: line) { error in
                let e = error as? MetadataError
                XCTAssertEqual(e?.kind, kind, "\(error)", file: file, line: line)
                XCTAssertTrue(e?.message.contains(fragment) ?? false, "\(error)", file: file, line: line)
                XCTAssertEqual(e?.format, "JPEG", file: file, line: line)
            }
        }
    }

    func testMalformedInputsAreRefused() throws {
        let fixture = MetadataFixtures.jpegWithMetadata
        let parsed = try XCTUnwrap(parseJPEG(fixture))
        assertFails(MetadataFixtures.pngWithMetadata, .notThisFormat, "SOI")
        assertFails(Array("GIF89a".utf8), .notThisFormat, "SOI")
        assertFails([], .truncated, "empty")
        assertFails([0xFF], .truncated, "SOI")
        assertFails([0xFF, 0xD8, 0xFF, 0xDB, 0x00], .truncated, "length field of marker 0xDB")
        assertFails([0xFF, 0xD8, 0xFF, 0xE1, 0x01, 0x00, 0x45], .truncated, "segment of marker 0xE1")
        assertFails(Array(fixture[..<(parsed.end - 2)]), .truncated, "entropy-coded data")
        assertFails([0xFF, 0xD8], .truncated, "before EOI")
        assertFails([0xFF, 0xD8, 0xFF, 0xDB, 0x00, 0x01], .malformed, "length 1")
        assertFails([0xFF, 0xD8, 0x00], .malformed, "expected a marker")
        assertFails([0xFF, 0xD8, 0xFF, 0xD8], .malformed, "second SOI")
        assertFails([0xFF, 0xD8, 0xFF, 0xD9], .malformed, "EOI before any scan")
        assertFails([0xFF, 0xD8, 0xFF, 0xD3], .malformed, "RST3")
        assertFails([0xFF, 0xD8, 0xFF, 0x00], .malformed, "0xFF00")
        assertFails([0xFF, 0xD8] + segment(0xDA, [1, 1, 0, 0, 63, 0]), .malformed, "before any frame header")
        assertFails([0xFF, 0xD8] + segment(0xF7, [0, 0]), .unsupported, "0xFFF7")
        assertFails([0xFF, 0xD8] + segment(0x42, [0, 0]), .unsupported, "0xFF42")
    }

    func testFailureIsStickyAndUseAfterFinishIsRefused() throws {
        var s = JPEGMetadataStripper()
        XCTAssertThrowsError(try s.feed([0x00]))
        XCTAssertThrowsError(try s.feed(MetadataFixtures.jpegWithMetadata)) {
            XCTAssertEqual(($0 as? MetadataError)?.kind, .notThisFormat)
        }
        var t = JPEGMetadataStripper()
        _ = try t.transformAll(MetadataFixtures.jpegWithMetadata)
        XCTAssertThrowsError(try t.feed([0xFF])) { XCTAssertEqual(($0 as? MetadataError)?.kind, .misuse) }
    }

    /// 30 MiB of entropy-coded data (no 0xFF but stuffing and RSTn, some split across feeds)
    /// streams through with at most a marker's worth of bytes held.
    func testLargeScanStreamsInConstantMemory() throws {
        let fixture = MetadataFixtures.jpegWithMetadata
        let parsed = try XCTUnwrap(parseJPEG(fixture))
        // Everything up to the end of the first SOS header: SOI, metadata, tables, frame, scan header.
        let sosPayload = try XCTUnwrap(parsed.segments.first { $0.code == 0xDA }).payload
        let headerEnd = parsed.imageData.startIndex + 4 + sosPayload.count
        let header = Array(fixture[..<headerEnd])

        var block = (0 ..< (1 << 20)).map { UInt8(($0 &* 7) % 255) }
        for k in stride(from: 1000, to: block.count - 2, by: 1000) {
            block[k] = 0xFF
            block[k + 1] = k % 50_000 == 0 ? 0xD0 + UInt8((k / 50_000) % 8) : 0x00
        }
        block[block.count - 1] = 0xFF  // a stuffed pair straddling two blocks
        block[0] = 0x00
        let split = 777_777
        block[split - 1] = 0xFF  // ... and one straddling two feeds
        block[split] = 0x00

        var s = JPEGMetadataStripper()
        var crcOut = CRC32()
        var crcExpected = CRC32()
        var outCount = 0
        func consume(_ out: [UInt8], input: Int) {
            XCTAssertLessThanOrEqual(s.bufferedByteCount, 18)
            XCTAssertLessThanOrEqual(out.count, input + 18)
            crcOut.update(out)
            outCount += out.count
        }
        let headerOut = try s.feed(header)
        consume(headerOut, input: header.count)
        crcExpected.update(headerOut)
        XCTAssertFalse(containsASCII(headerOut, "GPS-SECRET-LOCATION"))
        let blocks = 30
        for _ in 0 ..< blocks {
            let first = Array(block[..<split])
            consume(try s.feed(first), input: split)
            consume(try s.feed(Array(block[split...])), input: block.count - split)
            crcExpected.update(first)
            crcExpected.update(Array(block[split...]))
        }
        let tail: [UInt8] = [0x00, 0xFF, 0xD9] + Array("TRAILING-SECRET".utf8)
        consume(try s.feed(tail), input: tail.count)
        consume(try s.finish(), input: 0)
        crcExpected.update([0x00, 0xFF, 0xD9])
        XCTAssertEqual(outCount, headerOut.count + blocks * block.count + 3)
        XCTAssertEqual(crcOut.value, crcExpected.value)
        XCTAssertEqual(s.bufferedByteCount, 0)
    }
}
