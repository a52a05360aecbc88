import XCTest
@testable import Presentation

final class ISOBMFFMetadataStripperTests: XCTestCase {
    private func clean(_ input: [UInt8]) throws -> [UInt8] {
        var s = ISOBMFFMetadataStripper()
        return try s.transformAll(input)
    }

    private func assertNoSecrets(_ out: [UInt8], file: StaticString = #filePath, line: UInt = #line) {
        for secret in BMFF.secrets {
            XCTAssertFalse(containsBytes(out, secret), "\(secret) survived", file: file, line: line)
        }
    }

    /// Every chunk offset of the cleaned file reads the same media bytes as in the original.
    private func assertSameMedia(_ original: [UInt8], _ out: [UInt8], file: StaticString = #filePath, line: UInt = #line) throws {
        let before = BMFFReader(b: original), after = BMFFReader(b: out)
        for (path, sizes) in [(["moov", "trak", "mdia", "minf", "stbl", "stco"], [15, 9]), (["moov", "trak", "mdia", "minf", "stbl", "co64"], [13])] {
            let trackIndex = path.last == "co64" ? 1 : 0
            let p = Array(path.prefix(2))
            guard let t0 = before.find(p, index: trackIndex), let t1 = after.find(p, index: trackIndex) else {
                return XCTFail("no trak \(trackIndex)", file: file, line: line)
            }
            let o0 = try XCTUnwrap(BMFFReader(b: Array(original[t0.start ..< t0.end])).offsets(Array(path.dropFirst())), file: file, line: line)
            let o1 = try XCTUnwrap(BMFFReader(b: Array(out[t1.start ..< t1.end])).offsets(Array(path.dropFirst())), file: file, line: line)
            for (k, size) in sizes.enumerated() {
                XCTAssertEqual(Array(out[o1[k] ..< o1[k] + size]), Array(original[o0[k] ..< o0[k] + size]), "chunk \(k) of \(path.last!)",
                               file: file, line: line)
            }
        }
    }

    func testCameraLayoutMdatFirstLosesLocationAndKeepsOffsets() throws {
        let input = BMFF.movie(mdatFirst: true)
        XCTAssertTrue(containsBytes(input, BMFF.gps), "the fixture carries the location")
        let out = try clean(input)
        assertNoSecrets(out)
        XCTAssertNotNil(BMFFReader(b: out).boxes(from: 0, to: out.count), "top-level sizes add up")
        XCTAssertLessThan(out.count, input.count, "udta and meta removed from moov")
        XCTAssertNil(BMFFReader(b: out).find(["moov", "udta"]))
        XCTAssertNil(BMFFReader(b: out).find(["moov", "meta"]))
        XCTAssertNil(BMFFReader(b: out).find(["moov", "trak", "udta"]))
        XCTAssertNil(BMFFReader(b: out).find(["moov", "trak", "meta"]))
        XCTAssertNil(BMFFReader(b: out).find(["moov", "trak", "mdia", "udta"]))
        try assertSameMedia(input, out)
    }

    func testFastStartLayoutShiftsChunkOffsetsByWhatMoovLost() throws {
        let input = BMFF.movie(mdatFirst: false)
        let out = try clean(input)
        assertNoSecrets(out)
        let top = try XCTUnwrap(BMFFReader(b: out).boxes(from: 0, to: out.count))
        XCTAssertEqual(top.map(\.type), ["ftyp", "moov", "free", "free", "mdat"])
        XCTAssertNotEqual(BMFFReader(b: out).offsets(["moov", "trak", "mdia", "minf", "stbl", "stco"]),
                          BMFFReader(b: input).offsets(["moov", "trak", "mdia", "minf", "stbl", "stco"]), "offsets moved with mdat")
        try assertSameMedia(input, out)
    }

    func testTopLevelUdtaAndUuidBecomeFreeBoxesOfTheSameSize() throws {
        let input = BMFF.movie(mdatFirst: true)
        let out = try clean(input)
        let before = try XCTUnwrap(BMFFReader(b: input).boxes(from: 0, to: input.count))
        let after = try XCTUnwrap(BMFFReader(b: out).boxes(from: 0, to: out.count))
        XCTAssertEqual(before.map(\.type), ["ftyp", "udta", "uuid", "mdat", "moov"])
        XCTAssertEqual(after.map(\.type), ["ftyp", "free", "free", "mdat", "moov"])
        XCTAssertEqual(Array(after.prefix(4).map { $0.end - $0.start }), Array(before.prefix(4).map { $0.end - $0.start }))
        for free in after[1 ... 2] { XCTAssertTrue(out[free.start + 8 ..< free.end].allSatisfy { $0 == 0 }) }
    }

    func testCreationTimesAreZeroed() throws {
        let out = try clean(BMFF.movie(mdatFirst: true))
        let mvhd = try XCTUnwrap(BMFFReader(b: out).find(["moov", "mvhd"]))
        XCTAssertEqual(Array(out[mvhd.start + 12 ..< mvhd.start + 20]), [UInt8](repeating: 0, count: 8))
        let stamp: [UInt8] = [0xE0, 0, 0, 0]
        XCTAssertFalse(out.indices.dropLast(3).contains { Array(out[$0 ..< $0 + 4]) == stamp }, "no 0xE0000000 timestamp left")
    }

    func testHEICExifAndXMPInMdatAreZeroedInPlace() throws {
        let input = BMFF.heic()
        XCTAssertTrue(containsBytes(input, "GPSLatitude"))
        let out = try clean(input)
        XCTAssertEqual(out.count, input.count, "nothing moves: iloc offsets stay valid")
        assertNoSecrets(out)
        XCTAssertTrue(containsBytes(out, String(decoding: BMFF.image, as: UTF8.self)), "the image item is untouched")
        let mdat = try XCTUnwrap(BMFFReader(b: out).find(["mdat"]))
        XCTAssertEqual(Array(out[mdat.start + 8 ..< mdat.start + 8 + BMFF.image.count]), BMFF.image)
        XCTAssertTrue(out[mdat.start + 8 + BMFF.image.count ..< mdat.end].allSatisfy { $0 == 0 })
        let meta = try XCTUnwrap(BMFFReader(b: input).find(["meta"]))
        XCTAssertEqual(Array(out[0 ..< meta.end]), Array(input[0 ..< meta.end]), "ftyp and meta unchanged")
    }

    func testHEICExifInIdatIsZeroed() throws {
        let input = BMFF.heic(exifInIdat: true)
        let out = try clean(input)
        XCTAssertEqual(out.count, input.count)
        assertNoSecrets(out)
        XCTAssertTrue(containsBytes(out, "HEVC-CODED-IMAGE-DATA"))
    }

    func testOutputDoesNotDependOnHowTheUploadIsSplit() throws {
        try assertSplitIndependent({ ISOBMFFMetadataStripper() }, BMFF.movie(mdatFirst: true))
        try assertSplitIndependent({ ISOBMFFMetadataStripper() }, BMFF.movie(mdatFirst: false))
        try assertSplitIndependent({ ISOBMFFMetadataStripper() }, BMFF.heic())
    }

    func testTelemetryTracksAreRefusedNotHalfCleaned() throws {
        let track = BMFF.trak(offsets: [40], sizes: [4], entry: "gpmd")
        let input = BMFF.ftyp("mp42", ["isom"]) + BMFF.box("mdat", Array("GPS!".utf8)) + BMFF.box("moov", BMFF.mvhd() + track)
        XCTAssertThrowsError(try clean(input)) { XCTAssertEqual(($0 as? MetadataError)?.kind, .unsupported) }
    }

    func testTruncatedAndHostileFilesAreRefused() throws {
        let movie = BMFF.movie(mdatFirst: true)
        for cut in [4, 12, 30, movie.count - 1] {
            XCTAssertThrowsError(try clean(Array(movie.prefix(cut))), "cut at \(cut)") {
                XCTAssertEqual(($0 as? MetadataError)?.kind, .truncated)
            }
        }
        let noMoov = BMFF.ftyp("isom", []) + BMFF.box("mdat", [1, 2, 3])
        XCTAssertThrowsError(try clean(noMoov))
        let huge = BMFF.ftyp("isom", []) + BMFF.u(0xFFFF_FFF0, 4) + Array("moov".utf8)
        XCTAssertThrowsError(try clean(huge)) { XCTAssertEqual(($0 as? MetadataError)?.kind, .unsupported) }
        let tooSmall = BMFF.ftyp("isom", []) + BMFF.u(4, 4) + Array("mdat".utf8)
        XCTAssertThrowsError(try clean(tooSmall)) { XCTAssertEqual(($0 as? MetadataError)?.kind, .malformed) }
        XCTAssertThrowsError(try clean(BMFF.box("moov", []))) { XCTAssertEqual(($0 as? MetadataError)?.kind, .notThisFormat) }
    }

    /// Random damage to valid files: every outcome is a clean file or a MetadataError, and fast.
    func testMutatedFilesNeverCrashOrHang() throws {
        var rng = SplitMix64(state: 15)
        let seeds = [BMFF.movie(mdatFirst: true), BMFF.movie(mdatFirst: false), BMFF.heic(), BMFF.heic(exifInIdat: true)]
        for round in 0 ..< 3000 {
            var input = seeds[round % seeds.count]
            for _ in 0 ... Int(rng.next() % 4) {
                let at = Int(rng.next() % UInt64(input.count))
                input[at] = UInt8(truncatingIfNeeded: rng.next())
            }
            do { _ = try clean(input) } catch is MetadataError {}
        }
    }
}
