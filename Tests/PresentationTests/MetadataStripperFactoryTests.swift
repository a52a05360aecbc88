import XCTest
@testable import Presentation

final class MetadataStripperFactoryTests: XCTestCase {
    func testChoosesByMagicBytesOnly() throws {
        XCTAssertEqual(MetadataStripping.format(ofFirstBytes: MetadataFixtures.jpegWithMetadata.prefix(8)), .jpeg)
        XCTAssertEqual(MetadataStripping.format(ofFirstBytes: MetadataFixtures.pngWithMetadata.prefix(8)), .png)
        XCTAssertNil(MetadataStripping.format(ofFirstBytes: Array("GIF89a\0\0".utf8)))
        XCTAssertNil(MetadataStripping.format(ofFirstBytes: Array("%PDF-1.7".utf8)))
        XCTAssertNil(MetadataStripping.format(ofFirstBytes: [0xFF, 0xD8]), "too short to tell")
        XCTAssertNil(MetadataStripping.format(ofFirstBytes: PNGMetadataStripper.signature.prefix(7)))
        XCTAssertNil(MetadataStripping.format(ofFirstBytes: [UInt8]()))

        var jpeg = try XCTUnwrap(MetadataStripping.stripper(firstBytes: MetadataFixtures.jpegWithMetadata.prefix(MetadataStripping.sniffLength)))
        XCTAssertTrue(jpeg is JPEGMetadataStripper)
        let cleaned = try jpeg.transformAll(MetadataFixtures.jpegWithMetadata)
        XCTAssertFalse(containsASCII(cleaned, "GPS-SECRET-LOCATION"))

        var png = try XCTUnwrap(MetadataStripping.stripper(firstBytes: MetadataFixtures.pngWithMetadata))
        XCTAssertTrue(png is PNGMetadataStripper)
        XCTAssertFalse(containsASCII(try png.transformAll(MetadataFixtures.pngWithMetadata), "Reporter Name"))

        XCTAssertNil(MetadataStripping.stripper(firstBytes: Array("RIFF\0\0\0\0WEBP".utf8)))
    }
}
