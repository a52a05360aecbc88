import Casefile
import Foundation
@testable import Gateway
import HTTPCore
import TestSupport
import XCTest

final class OnionLocationTests: XCTestCase {
    func get(_ app: GatewayApp, _ path: String) throws -> Response {
        try app.handler.handle(try Request(method: .get, target: path))
    }

    /// `Onion-Location` only when configured, with the path and never the query.
    func testOnionLocationOnlyWhenConfigured() throws {
        let world = try World()
        try world.standardRoster()
        let plain = try GatewayApp(ledger: world.ledger, templates: templatesFolder)
        XCTAssertNil(try get(plain, "/").headers["Onion-Location"])
        var options = GatewayApp.Options()
        options.onionLocation = "http://candorexampleonionaddressxxxxxxxxxxxxxxxxxxxxxxxxxxxx.onion/"
        let onion = try GatewayApp(ledger: world.ledger, templates: templatesFolder, options: options)
        XCTAssertEqual(try get(onion, "/status?lang=en").headers["Onion-Location"],
                       "http://candorexampleonionaddressxxxxxxxxxxxxxxxxxxxxxxxxxxxx.onion/status")
    }
}
