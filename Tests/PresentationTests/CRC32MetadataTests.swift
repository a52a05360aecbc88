import XCTest
@testable import Presentation

final class CRC32MetadataTests: XCTestCase {
    func testKnownValues() {
        // The ISO 3309 / ITU-T V.42 check value, and an empty input.
        XCTAssertEqual(CRC32.checksum(Array("123456789".utf8)), 0xCBF4_3926)
        XCTAssertEqual(CRC32.checksum([]), 0)
        // Every PNG ends with this IEND chunk CRC (over the type only).
        XCTAssertEqual(CRC32.checksum(Array("IEND".utf8)), 0xAE42_6082)
        XCTAssertEqual(CRC32.table[1], 0x7707_3096)
        XCTAssertEqual(CRC32.table[255], 0x2D02_EF8D)
    }

    func testIncrementalEqualsOneShot() {
        let bytes = (0 ..< 1000).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) }
        var crc = CRC32()
        crc.update(Array(bytes[..<1]))
        crc.update(Array(bytes[1 ..< 500]))
        crc.update([])
        crc.update(Array(bytes[500...]))
        XCTAssertEqual(crc.value, CRC32.checksum(bytes))
    }
}
