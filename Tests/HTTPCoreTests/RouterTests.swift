import XCTest
@testable import HTTPCore

private enum UserKey: RequestStorageKey { typealias Value = String }

final class RouterTests: XCTestCase {
    func request(_ method: HTTPMethod, _ target: String, headers: HTTPHeaders = [:], body: String = "") throws -> Request {
        try Request(method: method, target: target, headers: headers, body: Array(body.utf8))
    }

    func testParametersAndDecodedSegments() throws {
        let router = Router()
        router.get("/case/:id/notes") { req in .text("case \(req.parameters["id"]!)") }
        router.get("/files/*") { req in .text((req.parameters.wildcard ?? []).joined(separator: "|")) }
        let r = try router.handle(request(.get, "/case/a%20b/notes"))
        XCTAssertEqual(r.status, .ok)
        XCTAssertEqual(r.text, "case a b")
        XCTAssertEqual(try router.handle(request(.get, "/files/x/y.css")).text, "x|y.css")
        XCTAssertEqual(try router.handle(request(.get, "/files")).text, "")
        XCTAssertEqual(try router.handle(request(.get, "/case/1/notes/extra")).status, .notFound)
    }

    func testQueryHelper() throws {
        let router = Router()
        router.get("/search") { req in .text(req.queryValue("q") ?? "-") }
        XCTAssertEqual(try router.handle(request(.get, "/search?q=a+b%21")).text, "a b!")
    }

    func test404And405WithAllow() throws {
        let router = Router()
        router.get("/item") { _ in .text("get") }
        router.post("/item") { _ in .text("post") }
        XCTAssertEqual(try router.handle(request(.get, "/nope")).status, .notFound)
        let r = try router.handle(request(.delete, "/item"))
        XCTAssertEqual(r.status, .methodNotAllowed)
        XCTAssertEqual(r.headers["Allow"], "GET, HEAD, POST")
        XCTAssertEqual(try router.handle(request(.head, "/item")).text, "get")
    }

    func testMiddlewareBeforeAndAfterAndGroups() throws {
        let router = Router()
        router.use { req, next in
            var r = try next(req)
            r.headers.add("X-Global", "1")
            return r
        }
        let console = router.group("/console")
        console.use { req, next in
            guard req.headers["Authorization"] == "yes" else { throw HTTPError(.unauthorized, "Sign in first.") }
            req.storage[UserKey.self] = "alice"
            return try next(req)
        }
        console.get("/cases") { req in .text("cases for \(req.storage[UserKey.self] ?? "?")") }
        let inner = console.group("/admin", middleware: [{ req, next in
            var r = try next(req)
            r.headers.add("X-Admin", "1")
            return r
        }])
        inner.get("/keys") { _ in .text("keys") }
        router.get("/public") { req in .text(req.storage[UserKey.self] ?? "nobody") }

        let denied = try router.handle(request(.get, "/console/cases"))
        XCTAssertEqual(denied.status, .unauthorized)
        XCTAssertEqual(denied.text, "Sign in first.\n")
        XCTAssertEqual(denied.headers["X-Global"], "1")
        let ok = try router.handle(request(.get, "/console/cases", headers: ["Authorization": "yes"]))
        XCTAssertEqual(ok.text, "cases for alice")
        let admin = try router.handle(request(.get, "/console/admin/keys", headers: ["Authorization": "yes"]))
        XCTAssertEqual(admin.headers["X-Admin"], "1")
        XCTAssertEqual(try router.handle(request(.get, "/console/admin/keys")).status, .unauthorized)
        XCTAssertEqual(try router.handle(request(.get, "/public")).text, "nobody")
        XCTAssertEqual(try router.handle(request(.get, "/missing")).headers["X-Global"], "1")
    }

    func testErrorsBecomePagesWithoutEcho() throws {
        struct Secret: Error { let text: String }
        let router = Router()
        router.post("/boom") { req in throw Secret(text: String(decoding: try req.bodyBytes(), as: UTF8.self)) }
        router.get("/teapot") { _ in throw HTTPError(HTTPStatus(418, "I'm a teapot"), "Short and stout.") }
        let r = try router.handle(request(.post, "/boom", body: "password=hunter2"))
        XCTAssertEqual(r.status, .internalServerError)
        XCTAssertFalse(r.text.contains("hunter2"))
        XCTAssertFalse(r.text.contains("Secret"))
        let t = try router.handle(request(.get, "/teapot"))
        XCTAssertEqual(t.status.code, 418)
        XCTAssertEqual(t.text, "Short and stout.\n")
    }

    func testBufferedBodyLimitPerRoute() throws {
        let router = Router()
        router.post("/small", options: RouteOptions(maxBodySize: 4)) { req in .text("\(try req.bodyBytes().count)") }
        XCTAssertEqual(try router.handle(request(.post, "/small", body: "abcd")).text, "4")
        XCTAssertEqual(try router.handle(request(.post, "/small", body: "abcde")).status, .contentTooLarge)
    }

    func testPeerAddressOnlyWhenAsked() throws {
        let router = Router()
        router.get("/a") { req in .text(req.peerAddress ?? "nil") }
        XCTAssertEqual(try router.handle(request(.get, "/a")).text, "nil")
    }

    func testSecurityHeaderOptOut() throws {
        let router = Router()
        router.get("/embed", options: RouteOptions(securityHeaders: false)) { _ in .text("x") }
        XCTAssertFalse(try router.handle(request(.get, "/embed")).includesSecurityHeaders)
    }
}

extension Response {
    var text: String {
        if case .bytes(let b) = body { return String(decoding: b, as: UTF8.self) }
        return ""
    }
}
