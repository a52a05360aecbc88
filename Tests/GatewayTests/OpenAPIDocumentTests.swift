@testable import Casefile
@testable import ConsoleSite
import Foundation
@testable import Gateway
import HTTPCore
@testable import ReporterSite
@testable import SiteKit
import TestSupport
import XCTest

/// `docs/openapi.json` against the routes the app registers: nothing served undocumented,
/// nothing documented unserved.
final class OpenAPIDocumentTests: XCTestCase {
    static let documentPath = templatesFolder.deletingLastPathComponent().appendingPathComponent("docs/openapi.json").path
    static let methods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    var world: World!

    override func setUpWithError() throws {
        world = try World()
        try world.standardRoster()
    }

    override func tearDown() { world = nil }

    func document() throws -> [String: Any] {
        let data = try XCTUnwrap(FileManager.default.contents(atPath: OpenAPIDocumentTests.documentPath))
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    func testTheDocumentIsOpenAPI31() throws {
        let doc = try document()
        XCTAssertTrue((doc["openapi"] as? String ?? "").hasPrefix("3.1."))
        XCTAssertNotNil((doc["info"] as? [String: Any])?["title"])
    }

    func testDocumentedRoutesAreExactlyTheRegisteredOnes() throws {
        let app = try GatewayApp(ledger: world.ledger, templates: templatesFolder)
        let paths = try XCTUnwrap(try document()["paths"] as? [String: [String: Any]])
        var documented: Set<APIRoute> = []
        for (path, item) in paths {
            for method in item.keys where OpenAPIDocumentTests.methods.contains(method) {
                documented.insert(APIRoute(method: method, path: path))
            }
        }
        let registered = Set(app.apiRoutes)
        XCTAssertEqual(registered.count, app.apiRoutes.count, "no route registered twice")
        XCTAssertEqual(registered.subtracting(documented), [], "served but not documented")
        XCTAssertEqual(documented.subtracting(registered), [], "documented but not served")
        XCTAssertEqual(registered.count, 10)
    }

    func testEveryOperationDocumentsItsErrorsAndParameters() throws {
        let doc = try document()
        let paths = try XCTUnwrap(doc["paths"] as? [String: [String: Any]])
        for (path, item) in paths {
            let parameters = path.split(separator: "/").filter { $0.hasPrefix("{") }.map { String($0.dropFirst().dropLast()) }
            for (method, value) in item {
                let op = try XCTUnwrap(value as? [String: Any])
                let responses = try XCTUnwrap(op["responses"] as? [String: Any], "\(method) \(path)")
                XCTAssertNotNil(responses["default"], "\(method) \(path) documents its other errors")
                let declared = ((op["parameters"] as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String }
                XCTAssertEqual(Set(declared), Set(parameters), "\(method) \(path)")
                let security = op["security"] as? [Any]
                if security?.isEmpty == false { XCTAssertNotNil(responses["401"], "\(method) \(path) documents 401") }
            }
        }
        let schemas = try XCTUnwrap((doc["components"] as? [String: Any])?["schemas"] as? [String: Any])
        XCTAssertNotNil(schemas["Error"])
    }

    func testTheDocumentIsServedWhenGivenAnd404Otherwise() throws {
        let request = { try Request(method: .get, target: "/api/v1/openapi.json", headers: ["Host": "127.0.0.1"]) }
        let without = try GatewayApp(ledger: world.ledger, templates: templatesFolder)
        let missing = try without.handler.handle(try request())
        XCTAssertEqual(missing.status.code, 404)
        XCTAssertEqual(apiError(missing)["status"] as? Int, 404)
        var options = GatewayApp.Options()
        options.openAPIPath = OpenAPIDocumentTests.documentPath
        let with = try GatewayApp(ledger: world.ledger, templates: templatesFolder, options: options)
        let served = try with.handler.handle(try request())
        XCTAssertEqual(served.status.code, 200)
        XCTAssertEqual(served.headers["Content-Type"], "application/json")
        XCTAssertEqual((json(served)["openapi"] as? String)?.prefix(4), "3.1.")
        options.openAPIPath = world.root.appendingPathComponent("missing.json").path
        XCTAssertThrowsError(try GatewayApp(ledger: world.ledger, templates: templatesFolder, options: options))
    }
}
