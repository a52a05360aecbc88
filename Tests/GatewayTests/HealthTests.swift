import Casefile
import Casework
import Foundation
@testable import Gateway
import HTTPCore
import TestSupport
import XCTest

/// `/healthz` says "ok" or the failing check's name, and nothing a count could be read from.
final class HealthTests: XCTestCase {
    func get(_ app: GatewayApp, _ path: String) throws -> Response {
        try app.handler.handle(try Request(method: .get, target: path))
    }

    func testOkAndNoCountBeforeOrAfterReports() throws {
        let world = try World()
        try world.standardRoster()
        let app = try GatewayApp(ledger: world.ledger, templates: templatesFolder)
        let before = try get(app, "/healthz")
        XCTAssertEqual(before.status, .ok)
        XCTAssertEqual(before.bodyText, "ok\n")
        _ = try world.submit(ReportDraft(category: "bribery", narrative: "HEALTH-NARRATIVE", accused: [AccusedPerson(name: "赵六", post: "队长")]))
        let after = try get(app, "/healthz")
        // The same bytes with a report in: nothing in the answer moves with activity.
        XCTAssertEqual(after.bodyText, "ok\n")
    }

    func testAClosedDatabaseIsNamed() throws {
        let world = try World()
        try world.standardRoster()
        let app = try GatewayApp(ledger: world.ledger, templates: templatesFolder)
        try world.ledger.close()
        let answer = try get(app, "/healthz")
        XCTAssertEqual(answer.status, .serviceUnavailable)
        XCTAssertEqual(answer.bodyText, "database\n")
    }

    /// A clock set back behind the newest audit entry (deadlines and the log's order would lie).
    func testAClockBehindTheAuditLogIsNamed() throws {
        let world = try World()
        try world.standardRoster()
        try world.reopen(clock: { Int64(Date().timeIntervalSince1970) - 86_400 })
        let app = try GatewayApp(ledger: world.ledger, templates: templatesFolder)
        let answer = try get(app, "/healthz")
        XCTAssertEqual(answer.status, .serviceUnavailable)
        XCTAssertEqual(answer.bodyText, "clock\n")
    }
}

extension Response {
    var bodyText: String? {
        guard case .bytes(let bytes) = body else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }
}
