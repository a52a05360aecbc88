import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest
@testable import Presentation

final class SVGChartTests: XCTestCase {
    /// What an XML parser makes of the chart: every element with its attributes, and the text.
    final class Parsed: NSObject, XMLParserDelegate {
        var elements: [(name: String, attributes: [String: String])] = []
        var texts: [String] = []
        var current = ""
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            elements.append((name, attributes))
            current = ""
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) { current += string }
        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            if !current.isEmpty { texts.append(current) }
            current = ""
        }
        var bars: [[String: String]] { elements.filter { $0.name == "rect" && $0.attributes["class"] == "bar" }.map(\.attributes) }
    }

    func parse(_ html: TrustedHTML, file: StaticString = #filePath, line: UInt = #line) throws -> Parsed {
        let parser = XMLParser(data: Data(html.markup.utf8))
        let parsed = Parsed()
        parser.delegate = parsed
        XCTAssertTrue(parser.parse(), "not well-formed XML: \(String(describing: parser.parserError))", file: file, line: line)
        return parsed
    }

    func assertSelfContained(_ parsed: Parsed, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(parsed.elements.first?.name, "svg", file: file, line: line)
        let root = parsed.elements.first?.attributes ?? [:]
        XCTAssertEqual(root["role"], "img", file: file, line: line)
        XCTAssertNotNil(root["aria-label"], file: file, line: line)
        XCTAssertNotNil(root["viewBox"], file: file, line: line)
        XCTAssertTrue(parsed.elements.contains { $0.name == "title" }, file: file, line: line)
        for (name, attributes) in parsed.elements {
            XCTAssertFalse(["script", "style", "foreignObject", "image", "use", "a"].contains(name), "element \(name)", file: file, line: line)
            for key in attributes.keys {
                XCTAssertFalse(key.lowercased().hasPrefix("on"), "event handler \(key)", file: file, line: line)
                XCTAssertNotEqual(key, "style", "style attribute needs unsafe-inline", file: file, line: line)
                XCTAssertFalse(key.hasSuffix("href"), "external reference \(key)", file: file, line: line)
            }
        }
    }

    func testLabelsAndTitleAreEscaped() throws {
        let hostile = "<script>alert('x')</script> & \"q\""
        for chart in [SVGChart.bars([.init(label: hostile, value: 3)], title: hostile),
                      SVGChart.columns([.init(label: hostile, value: 3)], title: hostile)] {
            XCTAssertFalse(chart.markup.contains("<script"))
            XCTAssertTrue(chart.markup.contains("&lt;script&gt;"))
            let parsed = try parse(chart)
            assertSelfContained(parsed)
            XCTAssertEqual(parsed.elements.first?.attributes["aria-label"], hostile, "the label survives, as text")
            XCTAssertTrue(parsed.texts.contains(hostile))
        }
    }

    func testBarLengthsAreProportional() throws {
        let parsed = try parse(SVGChart.bars([.init(label: "a", value: 1), .init(label: "b", value: 2),
                                              .init(label: "c", value: 4), .init(label: "d", value: 3)], title: "t"))
        assertSelfContained(parsed)
        let widths = parsed.bars.compactMap { $0["width"].flatMap(Double.init) }
        XCTAssertEqual(widths.count, 4)
        XCTAssertEqual(widths[2], Double(SVGChart.barSpan), "the largest bar spans the plot")
        XCTAssertEqual(widths[0], widths[2] / 4, accuracy: 0.01)
        XCTAssertEqual(widths[1], widths[2] / 2, accuracy: 0.01)
        XCTAssertEqual(widths[3], widths[2] * 3 / 4, accuracy: 0.01)
    }

    func testColumnHeightsAreProportionalAndStandOnTheBaseline() throws {
        let parsed = try parse(SVGChart.columns([.init(label: "2026-01", value: 6), .init(label: "2026-02", value: 0),
                                                 .init(label: "2026-03", value: 3)], title: "t"))
        assertSelfContained(parsed)
        let heights = parsed.bars.compactMap { $0["height"].flatMap(Double.init) }
        let bottoms = parsed.bars.compactMap { b in Double(b["y"] ?? "").flatMap { y in Double(b["height"] ?? "").map { y + $0 } } }
        XCTAssertEqual(heights, [Double(SVGChart.plotHeight), 0, Double(SVGChart.plotHeight) / 2])
        XCTAssertEqual(Set(bottoms), [Double(SVGChart.above + SVGChart.plotHeight)])
        XCTAssertTrue(parsed.texts.contains("2026-02"), "an empty month keeps its place on the axis")
    }

    func testZeroDataDrawsAnEmptyChart() throws {
        for chart in [SVGChart.bars([], title: "t"), SVGChart.columns([], title: "t")] {
            let parsed = try parse(chart)
            assertSelfContained(parsed)
            XCTAssertTrue(parsed.bars.isEmpty)
        }
        for chart in [SVGChart.bars([.init(label: "a", value: 0), .init(label: "b", value: 0)], title: "t"),
                      SVGChart.columns([.init(label: "a", value: 0), .init(label: "b", value: 0)], title: "t")] {
            XCTAssertFalse(chart.markup.contains("nan"))
            XCTAssertFalse(chart.markup.contains("inf"))
            let parsed = try parse(chart)
            XCTAssertEqual(parsed.bars.count, 2)
            for bar in parsed.bars { XCTAssertEqual(bar["width"] == "0" || bar["height"] == "0", true) }
        }
    }

    func testControlCharactersInALabelStillGiveWellFormedXML() throws {
        let parsed = try parse(SVGChart.bars([.init(label: "a\u{1}b", value: 1)], title: "t\u{0}"))
        XCTAssertTrue(parsed.texts.contains("ab"))
    }
}
