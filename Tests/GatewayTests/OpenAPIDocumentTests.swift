import Casework
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
                let declared = ((op["parameters"] as? [[String: Any]]) ?? []).filter { $0["in"] as? String == "path" }.compactMap { $0["name"] as? String }
                XCTAssertEqual(Set(declared), Set(parameters), "\(method) \(path): its path parameters")
                let security = op["security"] as? [Any]
                if security?.isEmpty == false { XCTAssertNotNil(responses["401"], "\(method) \(path) documents 401") }
            }
        }
        let schemas = try XCTUnwrap((doc["components"] as? [String: Any])?["schemas"] as? [String: Any])
        XCTAssertNotNil(schemas["Error"])
    }

    typealias Schema = [String: Any]

    func schemas() throws -> [String: Schema] {
        try XCTUnwrap((try document()["components"] as? [String: Any])?["schemas"] as? [String: Schema])
    }

    func properties(_ schema: Schema?) -> [String: Schema] { schema?["properties"] as? [String: Schema] ?? [:] }
    func required(_ schema: Schema?) -> Set<String> { Set(schema?["required"] as? [String] ?? []) }

    /// The request's fields that are not the report's (the reporter's identity and choices).
    static let notReport: Set<String> = ["mode", "identity_name", "identity_phone", "identity_contact", "confidential", "exclude"]

    /// What the document must say of one field's value: its type and, where validation counts
    /// characters, its `maxLength`.
    func assertDescribes(_ property: Schema?, _ field: ReportField, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(property?["type"] as? String, "string", field.name, file: file, line: line)
        let counted = field.kind == .line || field.kind == .longText
        XCTAssertEqual(property?["maxLength"] as? Int, counted ? field.limit : nil, field.name, file: file, line: line)
    }

    /// The report's schemas against `ReportField.all`: a field in the table and not in the
    /// document, or left in the document after it left the table, fails here.
    func testTheReportRequestSchemasAreTheFieldTable() throws {
        let schemas = try schemas()
        let json = properties(schemas["ReportJSON"])
        XCTAssertEqual(Set(json.keys).subtracting(Self.notReport), Set(ReportField.all.map(\.name)), "ReportJSON")
        XCTAssertEqual(required(schemas["ReportJSON"]), Set(ReportField.all.filter(\.required).map(\.name)))
        for field in ReportField.texts { assertDescribes(json[field.name], field) }
        XCTAssertEqual(json[ReportField.accused.name]?["maxItems"] as? Int, ReportField.accused.limit)
        XCTAssertEqual((json[ReportField.accused.name]?["items"] as? Schema)?["$ref"] as? String, "#/components/schemas/Person")

        let multipart = properties(schemas["ReportMultipart"])
        let formNames = ReportField.texts.map(\.name) + PersonPart.all.map { $0.formName(row: 0) }
        XCTAssertEqual(Set(multipart.keys).subtracting(Self.notReport).subtracting(["files"]), Set(formNames), "ReportMultipart")
        XCTAssertEqual(required(schemas["ReportMultipart"]), Set(ReportField.all.filter(\.required).map(\.name)))
        for field in ReportField.texts { assertDescribes(multipart[field.name], field) }
        for part in PersonPart.all {
            XCTAssertEqual(multipart[part.formName(row: 0)]?["maxLength"] as? Int, part.limit, part.key)
        }
    }

    func testTheReportResponseSchemasAreTheFieldTable() throws {
        let schemas = try schemas()
        let person = properties(schemas["Person"])
        XCTAssertEqual(Set(person.keys), Set(PersonPart.all.map(\.key)), "Person")
        for part in PersonPart.all { XCTAssertEqual(person[part.key]?["maxLength"] as? Int, part.limit, part.key) }
        let shown = try XCTUnwrap((properties(schemas["StaffCase"])["report"]?["oneOf"] as? [Schema])?.first)
        XCTAssertEqual(Set(properties(shown).keys), Set(ReportField.facts.map(\.name)), "StaffCase.report")
        XCTAssertEqual(required(shown), Set(ReportField.facts.map(\.name)))
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
