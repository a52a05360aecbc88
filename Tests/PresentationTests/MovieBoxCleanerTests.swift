import XCTest
@testable import Presentation

final class MovieBoxCleanerTests: XCTestCase {
    func testFragmentedMoviesAreBlankedInPlace() throws {
        let moov = BMFF.box("moov", BMFF.mvhd() + BMFF.box("mvex", BMFF.full("trex", [UInt8](repeating: 0, count: 20)))
            + BMFF.trak(offsets: [1000], sizes: [4]) + BMFF.appleUdta)
        let out = try MovieBoxCleaner(inPlace: false).clean(moov, fileOffset: 24)
        XCTAssertEqual(out.count, moov.count, "tfhd may hold absolute offsets: nothing may move")
        XCTAssertFalse(containsBytes(out, BMFF.gps))
        XCTAssertEqual(BMFFReader(b: out).offsets(["moov", "trak", "mdia", "minf", "stbl", "stco"]), [1000])
        XCTAssertNotNil(BMFFReader(b: out).find(["moov", "free"]))
    }

    func testOffsetsBeforeMoovStayAndOffsetsIntoMoovAreRefused() throws {
        let before = BMFF.box("moov", BMFF.mvhd() + BMFF.trak(offsets: [40, 100], sizes: [4, 4]) + BMFF.appleUdta)
        let out = try MovieBoxCleaner(inPlace: false).clean(before, fileOffset: 101)
        XCTAssertEqual(BMFFReader(b: out).offsets(["moov", "trak", "mdia", "minf", "stbl", "stco"]), [40, 100],
                       "data before moov does not move")
        let into = BMFF.box("moov", BMFF.mvhd() + BMFF.trak(offsets: [120], sizes: [4]) + BMFF.appleUdta)
        XCTAssertThrowsError(try MovieBoxCleaner(inPlace: false).clean(into, fileOffset: 100))
    }

    func testVersionOneTimesAreZeroed() throws {
        let moov = BMFF.box("moov", BMFF.mvhd(version: 1))
        let out = try MovieBoxCleaner(inPlace: false).clean(moov, fileOffset: 0)
        XCTAssertEqual(Array(out[20 ..< 36]), [UInt8](repeating: 0, count: 16))
    }

    func testLargeSizeHeadersKeepTheirShape() throws {
        let moov = BMFF.large("moov", BMFF.mvhd() + BMFF.appleUdta)
        let out = try MovieBoxCleaner(inPlace: false).clean(moov, fileOffset: 0)
        XCTAssertEqual(Array(out[0 ..< 4]), [0, 0, 0, 1])
        XCTAssertEqual(Int(readUInt(out, 8, 8)), out.count)
    }
}
