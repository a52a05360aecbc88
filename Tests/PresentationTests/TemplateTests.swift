import XCTest
@testable import Presentation

final class TemplateTests: XCTestCase {
    func testSyntaxErrorsNameTheLine() {
        XCTAssertThrowsError(try Template(name: "t", source: "a\n{{#x}}\nb")) {
            XCTAssertEqual(String(describing: $0), "t:2: 'x' is never closed")
        }
        XCTAssertThrowsError(try Template(name: "t", source: "{{#x}}{{/y}}")) {
            XCTAssertTrue(String(describing: $0).contains("closes 'x'"))
        }
        XCTAssertThrowsError(try Template(name: "t", source: "{{x")) {
            XCTAssertTrue(String(describing: $0).contains("unclosed tag"))
        }
        XCTAssertThrowsError(try Template(name: "t", source: "{{a..b}}"))
        XCTAssertThrowsError(try Template(name: "t", source: "{{/x}}"))
        XCTAssertThrowsError(try Template(name: "t", source: "{{@bad key}}"))
    }

    func testParsesEveryTagKind() throws {
        let t = try Template(name: "t", source: "a{{x}}{{{y}}}{{@k}}{{#s}}{{.}}{{/s}}{{^n}}-{{/n}}{{>p}}{{! note }}z")
        XCTAssertEqual(t.nodes.count, 8, "the comment yields no node")
    }
}
