import XCTest
@testable import Presentation

final class TemplateLibraryTests: XCTestCase {
    let catalogs: [Language: [String: String]] = [.zh: ["hello": "你好", "amp": "甲&乙"], .en: ["hello": "Hello", "amp": "A&B"]]

    func library(_ sources: [String: String]) throws -> TemplateLibrary {
        try TemplateLibrary(sources: sources, catalogs: catalogs)
    }

    func testEscapesByDefault() throws {
        let lib = try library(["p": "<p title=\"{{v}}\">{{v}}</p>"])
        let out = try lib.render("p", language: .zh, context: ["v": "\"><script>x</script>"])
        XCTAssertEqual(out, "<p title=\"&quot;&gt;&lt;script&gt;x&lt;/script&gt;\">&quot;&gt;&lt;script&gt;x&lt;/script&gt;</p>")
    }

    func testTripleBracePrintsOnlyTrustedHTMLRaw() throws {
        let lib = try library(["p": "{{{a}}}|{{{b}}}|{{a}}"])
        let out = try lib.render("p", language: .en, context: [
            "a": .html(TrustedHTML(generatedByCandor: "<svg></svg>")), "b": "<b>not trusted</b>"])
        XCTAssertEqual(out, "<svg></svg>|&lt;b&gt;not trusted&lt;/b&gt;|&lt;svg&gt;&lt;/svg&gt;")
    }

    func testLanguagesSectionsPartialsAndPaths() throws {
        let lib = try library([
            "page": "{{>head}}{{#items}}[{{name}}:{{lang}}]{{/items}}{{^items}}none{{/items}}{{#user}}{{user.name}}{{/user}}",
            "head": "<h1>{{@hello}} {{@amp}}</h1>",
        ])
        let ctx: TemplateValue = ["items": [["name": "一"], ["name": "二"]], "user": ["name": "王"]]
        XCTAssertEqual(try lib.render("page", language: .zh, context: ctx), "<h1>你好 甲&amp;乙</h1>[一:zh][二:zh]王")
        XCTAssertEqual(try lib.render("page", language: .en, context: ["items": []]), "<h1>Hello A&amp;B</h1>none")
    }

    func testLoadTimeChecks() {
        XCTAssertThrowsError(try library(["p": "{{>missing}}"])) {
            XCTAssertTrue(String(describing: $0).contains("'missing'"))
        }
        XCTAssertThrowsError(try TemplateLibrary(sources: ["p": "{{@only_zh}}"], catalogs: [.zh: ["only_zh": "x"], .en: [:]])) {
            XCTAssertTrue(String(describing: $0).contains("en.json lacks only_zh"))
        }
    }

    func testRecursivePartialIsStopped() throws {
        let lib = try library(["a": "{{>a}}"])
        XCTAssertThrowsError(try lib.render("a", language: .zh, context: [:]))
    }

    func testLanguageCode() {
        XCTAssertEqual(Language(code: "en"), .en)
        XCTAssertEqual(Language(code: "fr"), .zh)
        XCTAssertEqual(Language(code: nil), .zh)
    }
}
