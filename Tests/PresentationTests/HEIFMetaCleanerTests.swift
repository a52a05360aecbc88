import XCTest
@testable import Presentation

final class HEIFMetaCleanerTests: XCTestCase {
    private func metaBox(_ file: [UInt8]) throws -> (bytes: [UInt8], start: Int) {
        let r = try XCTUnwrap(BMFFReader(b: file).find(["meta"]))
        return (Array(file[r.start ..< r.end]), r.start)
    }

    func testFindsExifAndXMPInMdat() throws {
        let file = BMFF.heic()
        var (meta, start) = try metaBox(file)
        let ranges = try HEIFMetaCleaner.clean(&meta, fileOffset: UInt64(start))
        XCTAssertEqual(ranges.count, 2)
        XCTAssertTrue(ranges.map { String(decoding: file[Int($0.lowerBound) ..< Int($0.upperBound)], as: UTF8.self) }
            .allSatisfy { $0.contains("GPS") })
    }

    func testAnItemBeforeMetaIsRefusedAsUnsupported() throws {
        let file = BMFF.heic()
        var (meta, start) = try metaBox(file)
        XCTAssertThrowsError(try HEIFMetaCleaner.clean(&meta, fileOffset: UInt64(start) + 10_000)) {
            XCTAssertTrue(($0 as? ISOBoxError)?.unsupported == true)
        }
    }

    func testAHugeExtentCountCannotMakeTheWalkLong() throws {
        // iloc v0, all field widths 0, one item with 65535 extents: nothing to read, refused.
        let iloc = BMFF.full("iloc", [0x00, 0x00] + BMFF.u(1, 2) + BMFF.u(2, 2) + BMFF.u(0, 2) + BMFF.u(0xFFFF, 2))
        let iinf = BMFF.full("iinf", BMFF.u(1, 2) + BMFF.full("infe", version: 2, BMFF.u(2, 2) + BMFF.u(0, 2) + Array("Exif".utf8) + [0]))
        var meta = BMFF.full("meta", iinf + iloc)
        XCTAssertThrowsError(try HEIFMetaCleaner.clean(&meta, fileOffset: 100))
    }
}
