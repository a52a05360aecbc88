import XCTest
@testable import HTTPCore

final class MultipartFileNameTests: XCTestCase {
    private func clean(_ raw: String) -> String { MultipartFileName.sanitize(raw) }

    func testKeepsOnlyTheLastPathComponent() {
        XCTAssertEqual(clean("../../etc/passwd"), "passwd")
        XCTAssertEqual(clean("C:\\Users\\x\\报告.pdf"), "报告.pdf")
        XCTAssertEqual(clean("/a/b\\c/d.txt"), "d.txt")
        XCTAssertEqual(clean("dir/"), "file")
    }

    func testDotNamesAndEmptyFallBack() {
        XCTAssertEqual(clean(".."), "file")
        XCTAssertEqual(clean("."), "file")
        XCTAssertEqual(clean(""), "file")
        XCTAssertEqual(clean("   "), "file")
        XCTAssertEqual(clean("../.."), "file")
        XCTAssertEqual(clean(".htaccess"), "htaccess")
        XCTAssertEqual(clean(" . .bashrc"), "bashrc")
        XCTAssertEqual(clean("a..b.txt"), "a..b.txt")
    }

    func testDropsControlAndBidiCharacters() {
        XCTAssertEqual(clean("re\u{0}port.pdf"), "report.pdf")
        XCTAssertEqual(clean("a\r\nb\t.txt"), "ab.txt")
        XCTAssertEqual(clean("x\u{7F}\u{85}y"), "xy")
        XCTAssertEqual(clean("evil\u{202E}fdp.exe"), "evilfdp.exe")
        XCTAssertEqual(clean("\u{0}"), "file")
    }

    func testKeepsUnicode() {
        XCTAssertEqual(clean("  报告 2024 年.docx "), "报告 2024 年.docx")
        XCTAssertEqual(clean("Zoë 👩‍👩‍👧.png"), "Zoë 👩‍👩‍👧.png")
    }

    func testLongNamesKeepTheirExtensionAndStayValid() {
        let long = String(repeating: "a", count: 500) + ".pdf"
        let short = clean(long)
        XCTAssertEqual(short.utf8.count, 200)
        XCTAssertTrue(short.hasSuffix(".pdf"))

        let chinese = String(repeating: "报", count: 100) + ".txt"  // 304 bytes
        let cut = clean(chinese)
        XCTAssertLessThanOrEqual(cut.utf8.count, 200)
        XCTAssertTrue(cut.hasSuffix(".txt"))
        XCTAssertTrue(cut.hasPrefix("报报"))
        XCTAssertNotNil(String(validating: Array(cut.utf8), as: UTF8.self))

        // An "extension" too long to be one is cut like the rest of the name.
        let odd = "a." + String(repeating: "b", count: 300)
        XCTAssertEqual(clean(odd).utf8.count, 200)
        XCTAssertTrue(clean(odd).hasPrefix("a.bbb"))

        // One huge grapheme cannot be cut, so the fallback name keeps the extension.
        let combining = "e" + String(repeating: "\u{301}", count: 150) + ".pdf"
        XCTAssertEqual(clean(combining), "file.pdf")
    }
}
