import XCTest
@testable import Presentation

final class FileFormatNameTests: XCTestCase {
    private func name(_ bytes: [UInt8], _ file: String = "upload") -> String? {
        MetadataStripping.formatName(firstBytes: bytes, fileName: file)
    }

    func testNamesFormatsByContentNotByName() {
        XCTAssertEqual(name(BMFF.ftyp("qt  ", ["qt  "]), "clip.mp4"), "MOV")
        XCTAssertEqual(name(BMFF.ftyp("isom", ["mp41"]), "clip.mov"), "MP4")
        XCTAssertEqual(name(BMFF.ftyp("heic", ["mif1"]), "IMG_0001.JPG"), "HEIC")
        XCTAssertEqual(name(BMFF.ftyp("3gp5", [])), "3GP")
        XCTAssertEqual(name(Array("%PDF-1.7\n".utf8), "x.doc"), "PDF")
        XCTAssertEqual(name(Array("RIFF\0\0\0\0AVI LIST".utf8)), "AVI")
        XCTAssertEqual(name(Array("GIF89a".utf8)), "GIF")
    }

    func testContainerFormatsTakeTheExtension() {
        XCTAssertEqual(name([0x50, 0x4B, 0x03, 0x04, 0, 0, 0, 0], "举报材料.docx"), "DOCX")
        XCTAssertEqual(name([0x50, 0x4B, 0x03, 0x04, 0, 0, 0, 0], "noext"), "ZIP")
        XCTAssertEqual(name(Array("II*\0\u{8}\0\0\0".utf8), "raw.dng"), "DNG")
        XCTAssertEqual(name(Array("hello world".utf8), "notes.txt"), "TXT")
        XCTAssertNil(name(Array("hello world".utf8), "notes"))
        XCTAssertNil(name(Array("hello world".utf8), "a.<script>"), "only letters and digits are echoed")
    }

    func testISOBaseMediaFilesGetTheISOBMFFStripper() throws {
        XCTAssertEqual(MetadataStripping.format(ofFirstBytes: BMFF.movie(mdatFirst: true).prefix(MetadataStripping.sniffLength)), .isobmff)
        var s = try XCTUnwrap(MetadataStripping.stripper(firstBytes: BMFF.heic()))
        XCTAssertFalse(containsBytes(try s.transformAll(BMFF.heic()), "GPSLatitude"))
    }
}
