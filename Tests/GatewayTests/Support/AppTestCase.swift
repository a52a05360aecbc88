@testable import Gateway
import TestSupport
import XCTest

/// A throwaway installation with the demo roster and the whole web application on it: the
/// fixture the route tests of both sites start from, so each calls the router directly.
class AppTestCase: XCTestCase {
    var world: World!
    var app: GatewayApp!

    override func setUpWithError() throws {
        world = try World()
        try world.standardRoster()
        app = try GatewayApp(ledger: world.ledger, templates: templatesFolder)
    }

    override func tearDown() {
        app = nil
        world = nil
    }
}
