import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest
@testable import Presentation

/// Collects elements and attributes of a parsed SVG.
private final class SVGCollector: NSObject, XMLParserDelegate {
    var elements: [(name: String, attributes: [String: String])] = []
    var text = ""

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
        elements.append((elementName, attributeDict))
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }
}

final class QRCodeSVGTests: XCTestCase {
    private let uri = Array("otpauth://totp/Candor:head?secret=JBSWY3DPEHPK3PXP&issuer=Candor".utf8)

    private func parse(_ svg: String, file: StaticString = #filePath, line: UInt = #line) -> SVGCollector {
        let parser = XMLParser(data: Data(svg.utf8))
        let collector = SVGCollector()
        parser.delegate = collector
        XCTAssertTrue(parser.parse(), "not well-formed: \(String(describing: parser.parserError))", file: file, line: line)
        return collector
    }

    /// Rebuilds the dark modules from the path, which must be made only of
    /// `M x y h n v1 h-n z` runs as the renderer emits them.
    private func modules(fromPath d: String) -> Set<[Int]> {
        var dark = Set<[Int]>()
        let pattern = try! NSRegularExpression(pattern: #"M(\d+) (\d+)h(\d+)v1h-(\d+)z"#)
        let range = NSRange(d.startIndex..., in: d)
        var covered = 0
        for match in pattern.matches(in: d, range: range) {
            func int(_ i: Int) -> Int { Int(d[Range(match.range(at: i), in: d)!])! }
            XCTAssertEqual(int(3), int(4))
            for x in int(1)..<(int(1) + int(3)) { dark.insert([x, int(2)]) }
            covered += match.range.length
        }
        XCTAssertEqual(covered, d.utf16.count, "path has commands other than runs")
        return dark
    }

    func testSVGIsWellFormedAndDrawsTheSymbol() throws {
        let code = try QRCode(bytes: uri, errorCorrection: .medium)
        let svg = code.svg(moduleSize: 3, quietZone: 4, title: "TOTP enrolment")
        let parsed = parse(svg)

        let root = try XCTUnwrap(parsed.elements.first)
        XCTAssertEqual(root.name, "svg")
        let extent = code.size + 8
        XCTAssertEqual(root.attributes["xmlns"], "http://www.w3.org/2000/svg")
        XCTAssertEqual(root.attributes["viewBox"], "0 0 \(extent) \(extent)")
        XCTAssertEqual(root.attributes["width"], "\(extent * 3)")
        XCTAssertEqual(root.attributes["height"], "\(extent * 3)")
        XCTAssertEqual(root.attributes["role"], "img")
        XCTAssertEqual(root.attributes["aria-label"], "TOTP enrolment")
        XCTAssertEqual(root.attributes["shape-rendering"], "crispEdges")
        XCTAssertEqual(parsed.elements.map(\.name), ["svg", "title", "rect", "path"])
        XCTAssertEqual(parsed.text, "TOTP enrolment")

        let d = try XCTUnwrap(parsed.elements.last?.attributes["d"])
        var expected = Set<[Int]>()
        for y in 0..<code.size { for x in 0..<code.size where code.isDark(x: x, y: y) { expected.insert([x + 4, y + 4]) } }
        XCTAssertEqual(modules(fromPath: d), expected)
        // Horizontal runs are merged: no run ends where another on its row starts.
        let runs = d.split(separator: "z").count
        var expectedRuns = 0
        for y in 0..<code.size {
            for x in 0..<code.size where code.isDark(x: x, y: y) && !code.isDark(x: x - 1, y: y) { expectedRuns += 1 }
        }
        XCTAssertEqual(runs, expectedRuns)
    }

    func testQuietZoneAndModuleSizeShapeTheViewBox() throws {
        let code = try QRCode(bytes: Array("Candor".utf8))
        let parsed = parse(code.svg(moduleSize: 1, quietZone: 0, title: "x"))
        XCTAssertEqual(parsed.elements.first?.attributes["viewBox"], "0 0 21 21")
        XCTAssertEqual(parsed.elements.first?.attributes["width"], "21")
        let defaults = parse(code.svg(title: "x"))
        XCTAssertEqual(defaults.elements.first?.attributes["viewBox"], "0 0 29 29")
        XCTAssertEqual(defaults.elements.first?.attributes["width"], "116")
        // Top-left finder corner starts at the quiet zone offset.
        XCTAssertTrue(code.svg(title: "x").contains(#"d="M4 4h7v1h-7z"#))
    }

    func testTitleIsEscaped() throws {
        let code = try QRCode(bytes: Array("Candor".utf8))
        let title = #"<script>alert("x")</script> & 'y' \#u{1}"#
        let svg = code.svg(title: title)
        XCTAssertFalse(svg.contains("<script"))
        XCTAssertTrue(svg.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &apos;y&apos;"))
        let parsed = parse(svg)
        XCTAssertEqual(parsed.elements.map(\.name), ["svg", "title", "rect", "path"])
        // Control characters that XML 1.0 cannot carry are dropped.
        XCTAssertEqual(parsed.elements.first?.attributes["aria-label"], #"<script>alert("x")</script> & 'y' "#)
    }

    func testNoScriptsOrExternalReferences() throws {
        let svg = try QRCode(bytes: uri, errorCorrection: .high).svg(title: "Candor")
        for forbidden in ["script", "href", "url(", "<image", "<use", "<style", "<foreignobject"] {
            XCTAssertFalse(svg.lowercased().contains(forbidden), forbidden)
        }
        XCTAssertNil(svg.range(of: #"\son[a-z]+="#, options: .regularExpression), "event handler attribute")
        XCTAssertTrue(svg.hasPrefix("<svg "))
        XCTAssertTrue(svg.hasSuffix("</svg>"))
        XCTAssertEqual(svg.components(separatedBy: "<path").count, 2, "exactly one path")
    }

    /// Optional end-to-end check: an independent reader (zbar) decodes our SVG
    /// after an independent renderer (librsvg) rasterises it. Skipped unless
    /// `apt-get install zbar-tools librsvg2-bin` has been run; CI need not have them.
    func testZbarDecodesRenderedSVG() throws {
        let renderer = "/usr/bin/rsvg-convert", reader = "/usr/bin/zbarimg"
        let files = FileManager.default
        guard files.isExecutableFile(atPath: renderer), files.isExecutableFile(atPath: reader) else {
            throw XCTSkip("rsvg-convert and zbarimg not installed")
        }
        let directory = files.temporaryDirectory.appendingPathComponent("qr-\(UUID().uuidString)")
        try files.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? files.removeItem(at: directory) }

        func run(_ tool: String, _ arguments: [String]) throws -> String {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: tool)
            process.arguments = arguments
            let output = Pipe()
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            XCTAssertEqual(process.terminationStatus, 0, "\(tool) \(arguments)")
            return String(decoding: data, as: UTF8.self)
        }

        let long = String(repeating: "Candor whistleblower gateway. ", count: 12)
        let cases: [(String, QRCode.ErrorCorrection)] =
            QRCode.ErrorCorrection.allCases.map { (String(decoding: uri, as: UTF8.self), $0) }
            + [("Candor", .low), (long, .high), (long, .low)]
        for (index, (text, level)) in cases.enumerated() {
            let code = try QRCode(bytes: Array(text.utf8), errorCorrection: level)
            let svg = directory.appendingPathComponent("\(index).svg")
            let png = directory.appendingPathComponent("\(index).png")
            try code.svg(moduleSize: 4, title: "test").write(to: svg, atomically: true, encoding: .utf8)
            _ = try run(renderer, ["-o", png.path, svg.path])
            let decoded = try run(reader, ["--quiet", "--raw", png.path])
            XCTAssertEqual(decoded.trimmingCharacters(in: .newlines), text, "version \(code.version) \(level)")
        }
    }
}
