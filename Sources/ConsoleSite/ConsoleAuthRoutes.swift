import Casefile
import Casework
import Foundation
import HTTPCore
import Presentation
import SiteKit
import Vault

/// Login, TOTP enrolment and logout, and the middleware every other console route sits behind.
public struct ConsoleAuthRoutes: Sendable {
    let ledger: Ledger
    let pages: Pages
    let sessions: StaffSessions

    public init(ledger: Ledger, pages: Pages, sessions: StaffSessions) {
        self.ledger = ledger
        self.pages = pages
        self.sessions = sessions
    }

    public func register(on group: RouteGroup) {
        group.get("/login") { request in
            try self.pages.cached(.consoleLogin, at: "/console/login", request) { try self.loginForm(request, error: nil, status: .ok) }
        }
        group.post("/login") { try self.login($0) }
        group.get("/totp") { try self.enrolForm($0, error: nil) }
        group.post("/totp") { try self.enrol($0) }
        group.post("/logout") { try self.logout($0) }
    }

    func loginForm(_ request: Request, error: String?, status: HTTPStatus, login: String = "") throws -> Response {
        try pages.render("console-login", request, title: pages.text("console_login_title", request), status: status,
                         ["error": .text(error ?? ""), "login": .text(login)])
    }

    func login(_ request: Request) throws -> Response {
        let form = try FormFields.urlencoded(request)
        let login = form.first("login") ?? ""
        switch try ledger.login(login, password: form.first("password") ?? "", totpCode: form.first("totp") ?? "") {
        case .failure(.refused):
            return try loginForm(request, error: pages.text("login_refused", request), status: .unauthorized, login: login)
        case .failure(.locked(let seconds)):
            var r = try loginForm(request, error: pages.text("login_locked", request).replacingOccurrences(of: "{minutes}", with: String(max(1, (seconds + 59) / 60))),
                                  status: .tooManyRequests, login: login)
            r.headers.set("Retry-After", String(seconds))
            return r
        case .success(let unlock):
            let cookie = try sessions.begin(unlock)
            var r = Response.redirect(to: (unlock.totpEnrolled ? "/console" : "/console/totp") + "?lang=\(pages.language(request).rawValue)")
            try r.setCookie(cookie)
            return r
        }
    }

    func enrolForm(_ request: Request, error: String?) throws -> Response {
        guard let (id, session) = sessions.current(request) else { return Response.redirect(to: "/console/login") }
        guard !session.enrolled else { return Response.redirect(to: "/console") }
        var secret = session.pendingSecret
        if secret == nil {
            let fresh = try TOTP.generateSecret()
            sessions.update(id) { $0.pendingSecret = fresh }
            secret = fresh
        }
        let uri = TOTP.provisioningURI(secret: secret!, account: session.account.login, issuer: "Candor")
        let qr = try QRCode(bytes: Array(uri.utf8), errorCorrection: .medium)
        let base32 = Base32.encode(secret!.unsafeCopyToArray(), padding: false)
        let grouped = stride(from: 0, to: base32.count, by: 4).map { i -> String in
            let start = base32.index(base32.startIndex, offsetBy: i)
            return String(base32[start..<base32.index(start, offsetBy: min(4, base32.count - i))])
        }.joined(separator: " ")
        return try pages.render("console-totp", request, title: pages.text("totp_title", request), status: error == nil ? .ok : .unprocessableContent, [
            "qr": .html(TrustedHTML(generatedByCandor: qr.svg(moduleSize: 4, quietZone: 4, title: pages.text("totp_qr_label", request)))),
            "secret": .text(grouped), "csrf": .text(session.csrf), "error": .text(error ?? ""),
            "staff": ConsoleAuthRoutes.staffValue(session.account, pages.language(request)),
        ])
    }

    func enrol(_ request: Request) throws -> Response {
        guard let (id, session) = sessions.current(request) else { return Response.redirect(to: "/console/login") }
        let form = try FormFields.urlencoded(request)
        guard CSRF.matches(form.first("csrf"), session.csrf) else { throw HTTPError(.forbidden, pages.text("stale_form", request)) }
        guard let secret = session.pendingSecret else { return try enrolForm(request, error: nil) }
        let unlock = StaffUnlock(account: session.account, key: session.key, totpEnrolled: false)
        guard try ledger.confirmEnrolment(unlock, secret: secret, code: form.first("code") ?? "") else {
            return try enrolForm(request, error: pages.text("totp_wrong", request))
        }
        sessions.update(id) {
            $0.enrolled = true
            $0.pendingSecret = nil
            $0.flash = pages.text("totp_done", request)
        }
        return Response.redirect(to: "/console?lang=\(pages.language(request).rawValue)")
    }

    func logout(_ request: Request) throws -> Response {
        let form = try FormFields.urlencoded(request)
        if let (id, session) = sessions.current(request), CSRF.matches(form.first("csrf"), session.csrf) {
            sessions.end(id)
            try? ledger.recordStaffEvent(accountID: session.account.id, action: "logout")
        }
        var r = Response.redirect(to: "/console/login?lang=\(pages.language(request).rawValue)")
        try r.setCookie(sessions.expiredCookie())
        return r
    }

    static func staffValue(_ account: Account, _ language: Language) -> TemplateValue {
        ["name": .text(account.displayName), "role_text": .text(RoleText.text(account.role, seat: account.seat, language)),
         "login": .text(account.login), "confirms": .bool(AccessPolicy.permits(account.role, .confirmReaderChanges)),
         "api": .bool(usesAPI(account.role))]
    }

    /// Whether the role's menu offers API tokens: the API lists and works cases, so it serves
    /// those who work them (head, inspectors). The leaders decide on the case page; the admin and
    /// the auditor hold no case, so the API has nothing for them.
    static func usesAPI(_ role: Role) -> Bool { role == .head || role == .inspector }

    /// Every console route but the ones above: a live, enrolled session, and on POST the form's
    /// CSRF token (urlencoded forms here; multipart routes check the token after reading).
    public static func requireStaff(_ sessions: StaffSessions, _ pages: Pages) -> Middleware {
        { request, next in
            let lang = pages.language(request).rawValue
            guard let (id, session) = sessions.current(request) else {
                var r = Response.redirect(to: "/console/login?lang=\(lang)")
                if request.cookies[StaffSessions.cookieName] != nil { try r.setCookie(sessions.expiredCookie()) }
                return r
            }
            guard session.enrolled else { return Response.redirect(to: "/console/totp?lang=\(lang)") }
            request.storage[StaffKey.self] = StaffContext(id: id, session: session)
            return try next(request)
        }
    }
}
