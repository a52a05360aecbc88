import XCTest
@testable import HTTPCore

final class SetCookieTests: XCTestCase {
    func testSerializes() throws {
        var c = SetCookie(name: "sid", value: "abc")
        c.maxAge = 3600
        c.expires = 0
        XCTAssertEqual(try c.headerValue(),
                       "sid=abc; Path=/; Max-Age=3600; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Secure; HttpOnly; SameSite=Strict")
        var l = SetCookie(name: "x", value: "1")
        l.secure = false
        l.httpOnly = false
        l.sameSite = .lax
        l.path = nil
        XCTAssertEqual(try l.headerValue(), "x=1; SameSite=Lax")
        XCTAssertEqual(try SetCookie.expired(name: "sid").headerValue(), "sid=; Path=/; Max-Age=0; Secure; HttpOnly; SameSite=Strict")
    }

    func testRefusesInjection() {
        for (n, v) in [("a b", "1"), ("a;", "1"), ("", "1"), ("a", "1; Domain=evil"), ("a", "x y"), ("a", "x,y"), ("a", "\u{1}"), ("a", "\"q\"x")] {
            XCTAssertThrowsError(try SetCookie(name: n, value: v).headerValue(), "\(n)=\(v)")
        }
        var c = SetCookie(name: "a", value: "b")
        c.path = "/;x"
        XCTAssertThrowsError(try c.headerValue())
        c.path = "/"
        c.sameSite = SetCookie.SameSite.none
        c.secure = false
        XCTAssertThrowsError(try c.headerValue())
    }

    func testResponseSetCookie() throws {
        var r = Response.text("x")
        try r.setCookie(SetCookie(name: "a", value: "b"))
        XCTAssertEqual(r.headers.values(for: "Set-Cookie").count, 1)
    }
}
