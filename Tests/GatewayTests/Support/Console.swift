@testable import Casefile
import Casework
@testable import ConsoleSite
import Foundation
@testable import Gateway
import HTTPCore
@testable import ReporterSite
@testable import SiteKit
import Synchronization
import TestSupport
import Vault

/// A clock tests can move: TOTP codes and session expiry follow it.
final class TestClock: Sendable {
    let now = Atomic<Int64>(1_795_000_000)
    func advance(_ seconds: Int64) { now.wrappingAdd(seconds, ordering: .relaxed) }
    var closure: @Sendable () -> Int64 { { [self] in self.now.load(ordering: .relaxed) } }
}

/// A world with the standard roster, every account enrolled with a known TOTP secret, and the
/// app, for console tests that call the router directly.
final class ConsoleWorld {
    let clock = TestClock()
    let world: World
    var app: GatewayApp
    var secrets: [String: SecureBytes] = [:]

    init(settings: Settings = World.standardSettings) throws {
        world = try World(settings: settings, clock: clock.closure)
        try world.standardRoster()
        for account in try world.ledger.accounts() {
            let secret = try TOTP.generateSecret()
            try world.ledger.enrollTOTP(accountID: account.id, secret: secret, actor: "test")
            secrets[account.login] = secret
        }
        app = try GatewayApp(ledger: world.ledger, templates: templatesFolder)
    }

    var ledger: Ledger { world.ledger }

    /// Reopens the ledger (after changing settings) and rebuilds the app on it.
    func reopen() throws {
        try world.reopen(clock: clock.closure)
        app = try GatewayApp(ledger: world.ledger, templates: templatesFolder)
    }

    func code(_ login: String) throws -> String {
        guard let secret = secrets[login] else { throw NSError(domain: "no TOTP secret for \(login)", code: 0) }
        return try TOTP.code(secret: secret, time: Date(timeIntervalSince1970: TimeInterval(clock.now.load(ordering: .relaxed))))
    }

    func call(_ method: HTTPMethod, _ target: String, cookie: String? = nil, form: [(String, String)]? = nil,
              multipart: MultipartBody? = nil, extraHeaders: HTTPHeaders = [:]) throws -> Response {
        var headers = extraHeaders
        headers.add("Host", "127.0.0.1:8080")
        if let cookie { headers.add("Cookie", "\(StaffSessions.cookieName)=\(cookie)") }
        var body: [UInt8] = []
        if let form {
            headers.add("Content-Type", "application/x-www-form-urlencoded")
            body = URLEncodedForm.serialize(form)
        } else if let multipart {
            headers.add("Content-Type", multipart.contentType)
            body = multipart.finished()
        }
        let r = try app.handler.handle(try Request(method: method, target: target, headers: headers, body: body))
        return try followReceipt(r) { try app.handler.handle($0) }
    }

    struct Session {
        let cookie: String
        let csrf: String
    }

    /// Signs in with password and TOTP (moving the clock a step so no code is replayed).
    func signIn(_ login: String) throws -> Session {
        clock.advance(30)
        let r = try call(.post, "/console/login", form: [("login", login), ("password", World.password), ("totp", try code(login))])
        guard r.status.code == 303, let cookie = cookieValue(r.headers["Set-Cookie"], StaffSessions.cookieName) else {
            throw NSError(domain: "signIn", code: r.status.code)
        }
        let inbox = try call(.get, "/console", cookie: cookie)
        let page = html(inbox)
        guard let range = page.range(of: "name=\"csrf\" value=\"") else { throw NSError(domain: "csrf", code: 0) }
        return Session(cookie: cookie, csrf: String(page[range.upperBound...].prefix(64)))
    }

    /// Posts a case action as its confirmation page does (`confirm=1`): tests of what an action
    /// does start past that page; `CaseConfirmationTests` try the page itself.
    func act(_ session: Session, _ ref: String, _ action: String, _ fields: [(String, String)] = []) throws -> Response {
        try call(.post, "/console/case/\(ref)/act/\(action)", cookie: session.cookie, form: [("csrf", session.csrf), ("confirm", "1")] + fields)
    }

    func submit(_ draft: ReportDraft) throws -> Receipt { try world.submit(draft) }
}

func html(_ r: Response) -> String {
    if case .bytes(let b) = r.body { return String(decoding: b, as: UTF8.self) }
    return ""
}
