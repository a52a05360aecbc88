import XCTest
@testable import HTTPCore

private enum Flag: RequestStorageKey { typealias Value = Int }

final class RequestTests: XCTestCase {
    func testFields() throws {
        let r = try Request(method: .post, target: "/a%20b/c?x=1&x=2&y=%C3%A9", headers: ["Content-Type": "Application/X-WWW-Form-Urlencoded; charset=utf-8"],
                            body: Array("k=v".utf8))
        XCTAssertEqual(r.path, "/a b/c")
        XCTAssertEqual(r.pathSegments, ["a b", "c"])
        XCTAssertEqual(r.target, "/a%20b/c?x=1&x=2&y=%C3%A9")
        XCTAssertEqual(r.query.filter { $0.name == "x" }.map(\.value), ["1", "2"])
        XCTAssertEqual(r.queryValue("y"), "é")
        XCTAssertEqual(r.version, .http1_1)
        XCTAssertNil(r.peerAddress)
        XCTAssertEqual(r.mediaType, "application/x-www-form-urlencoded")
        XCTAssertEqual(try r.formBody { String(decoding: $0, as: UTF8.self) }, "k=v")
        XCTAssertThrowsError(try r.formBody(expecting: "multipart/form-data") { $0 })
        r.storage[Flag.self] = 7
        XCTAssertEqual(r.storage[Flag.self], 7)
        XCTAssertThrowsError(try Request(method: .get, target: ""))
        XCTAssertThrowsError(try Request(method: .get, target: "/%zz"))
    }
}
