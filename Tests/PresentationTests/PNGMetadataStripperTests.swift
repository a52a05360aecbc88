import XCTest
@testable import Presentation

private func be32(_ v: Int) -> [UInt8] { [UInt8(v >> 24 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }

private func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
    let typed = Array(type.utf8) + data
    return be32(data.count) + typed + be32(Int(CRC32.checksum(typed)))
}

/// An independent walk of PNG §5 chunk layout: (type, data, crcValid) for each chunk up to IEND.
private func parsePNG(_ b: [UInt8]) -> (chunks: [(type: String, data: [UInt8], crcOK: Bool)], end: Int)? {
    guard b.starts(with: PNGMetadataStripper.signature) else { return nil }
    var chunks: [(type: String, data: [UInt8], crcOK: Bool)] = []
    var i = 8
    while i + 12 <= b.count {
        let length = Int(b[i]) << 24 | Int(b[i + 1]) << 16 | Int(b[i + 2]) << 8 | Int(b[i + 3])
        guard i + 12 + length <= b.count else { return nil }
        let typed = Array(b[i + 4 ..< i + 8 + length])
        let stored = b[i + 8 + length ..< i + 12 + length].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        let type = String(decoding: typed[0 ..< 4], as: UTF8.self)
        chunks.append((type, Array(typed[4...]), stored == CRC32.checksum(typed)))
        i += 12 + length
        if type == "IEND" { return (chunks, i) }
    }
    return nil
}

private func idat(_ b: [UInt8]) -> [UInt8] { parsePNG(b)?.chunks.filter { $0.type == "IDAT" }.flatMap(\.data) ?? [] }

private let secrets = ["Author: Reporter Name", "Reporter Name", "ITXT-Reporter", "ZTXT", "GPS-SECRET-LOCATION",
                       "Canon SERIAL 12345", "tEXt", "zTXt", "iTXt", "eXIf", "tIME", "sPLT", "prVt", "TRAILING-SECRET"]

final class PNGMetadataStripperTests: XCTestCase {
    /// 1×1 greyscale, 8 bit: IHDR fields per §11.2.2.
    private let ihdr = chunk("IHDR", be32(1) + be32(1) + [8, 0, 0, 0, 0])
    /// zlib stream (RFC 1950) with one stored deflate block holding filter byte 0 and pixel 0x80,
    /// split over two IDAT chunks as encoders may do.
    private let idat1 = chunk("IDAT", [0x78, 0x01, 0x01, 0x02, 0x00, 0xFD, 0xFF])
    private let idat2 = chunk("IDAT", [0x00, 0x80, 0x00, 0x82, 0x00, 0x81])
    private let iend = chunk("IEND", [])
    private let signature = PNGMetadataStripper.signature

    /// A hand-built PNG with every kind of chunk the stripper sorts, and data after IEND.
    private var built: [UInt8] {
        signature + ihdr
            + chunk("tIME", [0x07, 0xE8, 5, 6, 7, 8, 9])
            + chunk("gAMA", be32(45455))
            + chunk("tEXt", Array("Author\0Author: Reporter Name".utf8))
            + chunk("sPLT", Array("Reporter Name palette\0".utf8) + [8])
            + chunk("prVt", Array("private Reporter Name".utf8))
            + chunk("acTL", be32(1) + be32(0))
            + chunk("fcTL", be32(0) + be32(1) + be32(1) + be32(0) + be32(0) + [0, 1, 0, 1, 0, 0])
            + idat1
            + chunk("eXIf", Array("MM\0*GPS-SECRET-LOCATION".utf8))
            + idat2
            + chunk("iTXt", Array("Comment\0\0\0en\0\0ITXT-Reporter".utf8))
            + iend
            + chunk("tEXt", Array("After\0TRAILING-SECRET".utf8))
            + Array("TRAILING-SECRET".utf8)
    }

    private func strip(_ input: [UInt8], options: PNGMetadataStripper.Options = .init()) throws -> [UInt8] {
        var s = PNGMetadataStripper(options: options)
        return try s.transformAll(input)
    }

    func testStripsTextExifAndTimeFromPillowFile() throws {
        let input = MetadataFixtures.pngWithMetadata
        let before = try XCTUnwrap(parsePNG(input))
        for type in ["tEXt", "zTXt", "iTXt", "eXIf", "tIME", "iCCP", "pHYs", "gAMA"] {
            XCTAssertTrue(before.chunks.contains { $0.type == type }, "fixture has \(type)")
        }
        XCTAssertTrue(before.chunks.allSatisfy(\.crcOK), "Pillow/zlib CRCs agree with ours")
        let out = try strip(input)
        for secret in secrets { XCTAssertFalse(containsASCII(out, secret), secret) }
        let after = try XCTUnwrap(parsePNG(out), "output is not a well-formed PNG")
        XCTAssertEqual(after.end, out.count)
        XCTAssertTrue(after.chunks.allSatisfy(\.crcOK))
        XCTAssertEqual(after.chunks.map(\.type),
                       before.chunks.map(\.type).filter { ["IHDR", "iCCP", "gAMA", "pHYs", "IDAT", "IEND"].contains($0) })
        XCTAssertEqual(idat(out), idat(input))
        XCTAssertFalse(idat(out).isEmpty)
        XCTAssertEqual(try strip(out), out, "a clean file passes unchanged")
    }

    func testKeepsRenderingChunksDropsTheRestAndEverythingAfterIEND() throws {
        let out = try strip(built)
        for secret in secrets { XCTAssertFalse(containsASCII(out, secret), secret) }
        let after = try XCTUnwrap(parsePNG(out))
        XCTAssertEqual(after.end, out.count)
        XCTAssertEqual(after.chunks.map(\.type), ["IHDR", "gAMA", "acTL", "fcTL", "IDAT", "IDAT", "IEND"])
        XCTAssertTrue(after.chunks.allSatisfy(\.crcOK))
        XCTAssertEqual(idat(out), [0x78, 0x01, 0x01, 0x02, 0x00, 0xFD, 0xFF, 0x00, 0x80, 0x00, 0x82, 0x00, 0x81])
        // Kept chunks are byte-identical, in their order.
        XCTAssertEqual(out, signature + ihdr + chunk("gAMA", be32(45455)) + chunk("acTL", be32(1) + be32(0))
            + chunk("fcTL", be32(0) + be32(1) + be32(1) + be32(0) + be32(0) + [0, 1, 0, 1, 0, 0]) + idat1 + idat2 + iend)
    }

    func testICCProfileCanBeDropped() throws {
        let out = try strip(MetadataFixtures.pngWithMetadata, options: .init(keepICCProfile: false))
        XCTAssertFalse(try XCTUnwrap(parsePNG(out)).chunks.contains { $0.type == "iCCP" })
        XCTAssertTrue(try XCTUnwrap(parsePNG(try strip(MetadataFixtures.pngWithMetadata))).chunks.contains { $0.type == "iCCP" })
    }

    func testOutputDoesNotDependOnHowTheInputIsSplit() throws {
        try assertSplitIndependent({ PNGMetadataStripper() }, MetadataFixtures.pngWithMetadata)
        try assertSplitIndependent({ PNGMetadataStripper() }, built)
    }

    private func assertFails(_ input: [UInt8], _ kind: MetadataError.Kind, _ fragment: String,
                             file: StaticString = #filePath, line: UInt = #line) {
        for pieces in [input.count, 1] {
            var s = PNGMetadataStripper()
            XCTAssertThrowsError(try s.transform(input, nextSize: { pieces }), file: file, line: line) { error in
                let e = error as? MetadataError
                XCTAssertEqual(e?.kind, kind, "\(error)", file: file, line: line)
                XCTAssertTrue(e?.message.contains(fragment) ?? false, "\(error)", file: file, line: line)
                XCTAssertEqual(e?.format, "PNG", file: file, line: line)
            }
        }
    }

    func testMalformedInputsAreRefused() throws {
        let body = ihdr + idat1 + idat2 + iend
        assertFails(MetadataFixtures.jpegWithMetadata, .notThisFormat, "signature")
        assertFails([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x0A, 0x0A] + body, .notThisFormat, "signature")  // CRLF damaged
        assertFails([], .truncated, "empty")
        assertFails(Array(signature.prefix(5)), .truncated, "signature")
        assertFails(signature + [0x00, 0x00], .truncated, "chunk header")
        assertFails(signature + ihdr + idat1 + Array(idat2.prefix(10)), .truncated, "IDAT")
        assertFails(signature + ihdr + idat1 + idat2, .truncated, "before IEND")
        assertFails(signature + ihdr + idat1 + Array(iend.prefix(10)), .truncated, "IEND")
        var badCRC = signature + body
        badCRC[8 + ihdr.count + 9] ^= 0x01  // one bit of IDAT data
        assertFails(badCRC, .badChecksum, "CRC mismatch in the IDAT chunk")
        var badIENDCRC = signature + body
        badIENDCRC[badIENDCRC.count - 1] ^= 0x80
        assertFails(badIENDCRC, .badChecksum, "IEND")
        assertFails(signature + ihdr + chunk("ABCD", [1, 2]) + idat1 + idat2 + iend, .unsupported, "unknown critical chunk ABCD")
        assertFails(signature + idat1 + ihdr + idat2 + iend, .malformed, "not IHDR")
        assertFails(signature + chunk("IHDR", [0, 0, 0, 1]) + iend, .malformed, "IHDR length")
        assertFails(signature + ihdr + ihdr + iend, .malformed, "second IHDR")
        assertFails(signature + ihdr + iend, .malformed, "IEND before any IDAT")
        assertFails(signature + ihdr + idat1 + chunk("IEND", [0]), .malformed, "IEND with 1")
        assertFails(signature + ihdr + chunk("ID4T", []), .malformed, "four ASCII letters")
        assertFails(signature + ihdr + [0x80, 0, 0, 0] + Array("IDAT".utf8), .malformed, "exceeds 2^31-1")
    }

    func testDroppedChunkCRCIsNotChecked() throws {
        // Documented choice: nothing of a dropped chunk reaches the output, so its CRC is skipped.
        var text = chunk("tEXt", Array("a\0b".utf8))
        text[text.count - 1] ^= 0xFF
        let out = try strip(signature + ihdr + text + idat1 + idat2 + iend)
        XCTAssertEqual(out, signature + ihdr + idat1 + idat2 + iend)
    }

    func testFailureIsStickyAndUseAfterFinishIsRefused() throws {
        var s = PNGMetadataStripper()
        XCTAssertThrowsError(try s.feed([0x00]))
        XCTAssertThrowsError(try s.feed(signature)) { XCTAssertEqual(($0 as? MetadataError)?.kind, .notThisFormat) }
        var t = PNGMetadataStripper()
        _ = try t.transformAll(built)
        XCTAssertThrowsError(try t.finish()) { XCTAssertEqual(($0 as? MetadataError)?.kind, .misuse) }
    }

    /// A 12 MiB IDAT chunk streams through without being buffered, its CRC still checked.
    func testLargeIDATStreamsInConstantMemory() throws {
        let piece = (0 ..< (1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let pieces = 12
        var crc = CRC32()
        crc.update(Array("IDAT".utf8))
        for _ in 0 ..< pieces { crc.update(piece) }
        var s = PNGMetadataStripper()
        var outCount = 0
        func feed(_ bytes: [UInt8]) throws {
            let out = try s.feed(bytes)
            outCount += out.count
            XCTAssertLessThanOrEqual(s.bufferedByteCount, 8)
        }
        try feed(signature + ihdr + chunk("tEXt", Array("Author\0Reporter Name".utf8)) + be32(pieces * piece.count) + Array("IDAT".utf8))
        for _ in 0 ..< pieces { try feed(piece) }
        try feed(be32(Int(crc.value)) + iend + Array("TRAILING-SECRET".utf8))
        XCTAssertEqual(try s.finish(), [])
        XCTAssertEqual(outCount, signature.count + ihdr.count + 12 + pieces * piece.count + iend.count)
    }
}
