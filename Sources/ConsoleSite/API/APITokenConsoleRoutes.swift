import Casefile
import Casework
import HTTPCore
import Presentation
import SiteKit

/// `/console/tokens`: a signed-in staff member creates (shown once), lists and revokes their own
/// API tokens. Creation needs the console session because that is where the private key is
/// unlocked; the token gets its own sealed copy of it.
public struct APITokenConsoleRoutes: Sendable {
    let ledger: Ledger
    let pages: Pages
    let sessions: StaffSessions

    public init(ledger: Ledger, pages: Pages, sessions: StaffSessions) {
        self.ledger = ledger
        self.pages = pages
        self.sessions = sessions
    }

    public func register(on group: RouteGroup) {
        group.get("/tokens") { try self.page($0) }
        group.post("/tokens") { try self.create($0) }
        group.post("/tokens/:id/revoke") { try self.revoke($0) }
    }

    func page(_ request: Request, newToken: String? = nil, error: String? = nil, status: HTTPStatus = .ok) throws -> Response {
        guard let staff = request.staff else { throw HTTPError(.unauthorized) }
        let tokens = try ledger.apiTokens(accountID: staff.account.id).map { t -> TemplateValue in
            ["id": .text(String(t.id)), "name": .text(t.name), "created": .text(t.createdOn.description),
             "last_used": .text(t.lastUsedOn?.description ?? "")]
        }
        var flash: String?
        sessions.update(staff.id) { flash = $0.flash; $0.flash = nil }
        return try pages.render("console-tokens", request, title: pages.text("api_tokens_title", request), status: status, [
            "staff": ConsoleAuthRoutes.staffValue(staff.account, pages.language(request)),
            "csrf": .text(staff.session.csrf), "flash": .text(flash ?? ""), "error": .text(error ?? ""),
            "new_token": .text(newToken ?? ""), "tokens": .list(tokens), "has_tokens": .bool(!tokens.isEmpty),
        ])
    }

    func checkedForm(_ request: Request) throws -> (StaffContext, FormFields) {
        guard let staff = request.staff else { throw HTTPError(.unauthorized) }
        let form = try FormFields.urlencoded(request)
        guard CSRF.matches(form.first("csrf"), staff.session.csrf) else { throw HTTPError(.forbidden, pages.text("stale_form", request)) }
        return (staff, form)
    }

    func create(_ request: Request) throws -> Response {
        let (staff, form) = try checkedForm(request)
        do {
            let (_, token) = try ledger.createAPIToken(accountID: staff.account.id, key: staff.session.key, name: form.first("name") ?? "")
            // Rendered, not redirected: the token exists only in this response.
            return try page(request, newToken: token, status: .created)
        } catch let problem as Ledger.APITokenProblem {
            return try page(request, error: pages.text(problem.description == "limit" ? "api_token_limit" : "api_token_name_invalid", request),
                            status: .unprocessableContent)
        }
    }

    func revoke(_ request: Request) throws -> Response {
        let (staff, _) = try checkedForm(request)
        guard let id = Int64(request.parameters["id"] ?? ""), try ledger.revokeAPIToken(id: id, accountID: staff.account.id) else {
            throw HTTPError(.notFound)
        }
        sessions.update(staff.id) { $0.flash = pages.text("api_token_revoked", request) }
        return Response.redirect(to: "/console/tokens?lang=\(pages.language(request).rawValue)")
    }
}
