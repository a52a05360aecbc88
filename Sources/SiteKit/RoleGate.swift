import Casefile
import Casework
import HTTPCore

/// The one role check for a group of routes (`AccessPolicy.permits(role, action)`), as group
/// middleware: a role the policy refuses gets the same localised 404 as a page that does not
/// exist (so a probe learns nothing, not even that the page is there), and the attempt is
/// audited as `access_denied`, like a refused case. Before the handler runs, so a refused upload
/// costs no body read.
public enum RoleGate {
    /// How a refusal is written: a page for the console, JSON for the API.
    public enum Answer: Sendable {
        case page
        case json
    }

    /// - Parameter signedIn: the account the request is signed in as, which the group's sign-in
    ///   middleware (console session or API token) has already established.
    public static func require(_ action: GlobalAction, ledger: Ledger, pages: Pages, answer: Answer = .page,
                               signedIn: @escaping @Sendable (Request) -> Account?) -> Middleware {
        { request, next in
            guard let account = signedIn(request) else { throw HTTPError(.unauthorized) }
            guard AccessPolicy.permits(account.role, action) else {
                try ledger.recordStaffEvent(accountID: account.id, action: "access_denied",
                                            detail: "action=\(auditName(action)) reason=role")
                return notFound(request, pages: pages, answer: answer)
            }
            return try next(request)
        }
    }

    /// The action as the audit log spells names: `view_statistics`, not `viewStatistics`.
    static func auditName(_ action: GlobalAction) -> String {
        action.rawValue.reduce(into: "") { name, c in
            if c.isUppercase { name += "_" + c.lowercased() } else { name.append(c) }
        }
    }

    /// Returned, not thrown: a route's thrown `HTTPError` becomes a plain-text answer before the
    /// error-pages middleware sees it, and this page is in the visitor's language.
    static func notFound(_ request: Request, pages: Pages, answer: Answer) -> Response {
        switch answer {
        case .page:
            return pages.error(request, status: .notFound, title: "404", message: pages.text("admin_no_such_page", request),
                               back: request.path.hasPrefix("/console") ? "/console" : "/")
        case .json:
            return APIError(.notFound, pages.library.text("admin_no_such_page", APIJSON.language(request))).response
        }
    }
}
