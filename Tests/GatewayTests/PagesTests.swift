import Foundation
import HTTPCore
@testable import SiteKit
import XCTest

/// The language switch keeps a console view's query, and nothing of any other page's: a
/// reporter's address never carries anything worth keeping, so nothing typed there is copied.
final class PagesTests: XCTestCase {
    func request(_ target: String, _ method: HTTPMethod = .get) throws -> Request {
        try Request(method: method, target: target, headers: ["Host": "127.0.0.1"])
    }

    func testOnlyTheConsolesGetPagesKeepTheirQueryEscapedAndWithoutLang() throws {
        XCTAssertEqual(Pages.keptQuery(try request("/console?lang=zh&state=registered&x=%3Cb%3E")), "&state=registered&x=%3Cb%3E")
        XCTAssertEqual(Pages.keptQuery(try request("/status?code=ABCD-EFGH")), "", "a reporter's page keeps nothing")
        XCTAssertEqual(Pages.keptQuery(try request("/report?draft=1")), "")
        XCTAssertEqual(Pages.keptQuery(try request("/console?state=registered", .post)), "", "after a form post, nothing")
    }
}
