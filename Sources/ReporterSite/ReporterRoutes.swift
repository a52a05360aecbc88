import Casefile
import Casework
import Foundation
import HTTPCore
import Presentation
import SiteKit
import Synchronization

/// The reporter's side (arts. 2–5, 9, 11, 15, 16): the landing page, the report form, the
/// receipt, and the status page opened with the tracking code.
public struct ReporterRoutes: Sendable {
    let busyPages = CachedPages()
    let ledger: Ledger
    let pages: Pages
    let sessions: ReporterSessions
    let gate: LookupGateHandle
    let limits: UploadLimits
    let submissions: SubmissionDesk

    public init(ledger: Ledger, pages: Pages, sessions: ReporterSessions, gate: LookupGateHandle, limits: UploadLimits,
                submissions: SubmissionDesk? = nil) {
        self.ledger = ledger
        self.pages = pages
        self.sessions = sessions
        self.gate = gate
        self.limits = limits
        self.submissions = submissions ?? SubmissionDesk(secureCookie: sessions.secureCookie, clock: ledger.clock)
    }

    public func register(on router: Router) {
        router.get("/") { request in try self.cachedUnlessInApp(.landing, at: "/", request) { try self.landing(request) } }
        router.get("/report") { try self.emptyReportForm($0) }
        router.post("/report", options: .streaming(maxBodySize: limits.maxRequestBytes)) { try self.submit($0) }
        router.get("/report/receipt") { try self.receipt($0) }
        router.get("/status") { try self.status($0) }
        router.post("/status") { try self.openWithCode($0) }
        router.post("/status/reply") { try self.reply($0) }
        router.post("/status/evidence", options: .streaming(maxBodySize: limits.maxRequestBytes)) { try self.addEvidence($0) }
        router.post("/status/end") { try self.endSession($0) }
    }

    /// Every reporter page is drawn through here: when the request comes from a chat or office
    /// app's built-in browser, the page says so at the top (the User-Agent read for this response only).
    func render(_ name: String, _ request: Request, title: String, status: HTTPStatus = .ok,
                _ context: [String: TemplateValue] = [:]) throws -> Response {
        var full = context
        if let app = InAppBrowser.detect(request) {
            full["in_app"] = ["text": .text(pages.text("in_app_\(app.rawValue)", request))]
        }
        return try pages.render(name, request, title: title, status: status, full)
    }

    /// A cached page, except for a visitor in an app's built-in browser, whose copy has the warning.
    func cachedUnlessInApp(_ page: PageCache.Page, at path: String, _ request: Request, handlers: [PageCache.Handler] = [],
                           render: () throws -> Response) throws -> Response {
        guard InAppBrowser.detect(request) == nil else { return try render() }
        return try pages.cached(page, at: path, request, handlers: handlers, render: render)
    }

    // MARK: landing

    func landing(_ request: Request) throws -> Response {
        let s = ledger.settings
        let channels: TemplateValue = [
            "postal_address": .text(s.channels.postalAddress), "postcode": .text(s.channels.postcode),
            "phone": .text(s.channels.phone), "email": .text(s.channels.email),
            "external": .list(s.channels.external.map(TemplateValue.text)),
        ]
        return try render("landing", request, title: pages.text("landing_title", request),
                          ["channels": channels, "has_external": .bool(!s.channels.external.isEmpty)])
    }

    // MARK: the report form

    static let accusedRows = 5

    /// The form as every reporter first sees it; kept until the settings or the handlers change.
    /// Each copy gets its own submission token in place of the kept copy's placeholder.
    func emptyReportForm(_ request: Request) throws -> Response {
        let handlers = try pages.cache.handlers(ledger)
        let page = try cachedUnlessInApp(.reportForm, at: "/report", request, handlers: handlers) {
            try reportForm(request, draft: ReportDraft(), errors: [], hadFiles: false, status: .ok, handlers: handlers,
                           token: SubmissionDesk.placeholder)
        }
        return try page.replacing(SubmissionDesk.placeholder, with: SubmissionDesk.newToken())
    }

    struct NamedError: Sendable {
        let field: String
        let text: String
    }

    func reportForm(_ request: Request, draft: ReportDraft, errors: [ReportDraft.FieldError], hadFiles: Bool,
                    status: HTTPStatus, handlers: [PageCache.Handler]? = nil, diversion: IntakeDiversion? = nil,
                    token: String, extraErrors: [NamedError] = []) throws -> Response {
        let language = pages.language(request)
        let form = ReportFormValues(draft: draft, errors: errors, language: language) { pages.library.text($0, language) }
        let handlers = try (handlers ?? pages.cache.handlers(ledger)).map { h -> TemplateValue in
            ["id": .text(String(h.id)), "name": .text(h.name), "role": .text(RoleText.text(h.role, seat: h.seat, language)),
             "checked": .bool(draft.excludedHandlers.contains(h.id))]
        }
        let errorList = ReportFormValues.summary(errors, language: language).map { e -> TemplateValue in
            ["field": .text(e.field), "text": .text(e.text)]
        } + extraErrors.map { ["field": .text($0.field), "text": .text($0.text)] }
        return try render("report", request, title: pages.text("report_title", request), status: status, [
            "report_fields": form.fields(categories: ledger.settings.categories), "values": form.identity,
            "field_errors": form.fieldErrors, "errors": .list(errorList), "has_errors": .bool(!errorList.isEmpty),
            "had_files": .bool(hadFiles), "submission": .text(token),
            "form_switch": ["form": "report-form", "action": "/report"], "files_limits": .text(limitsText(request)),
            "accused_rows": form.accusedRows(count: ReporterRoutes.accusedRows),
            "handlers": .list(handlers), "has_handlers": .bool(!handlers.isEmpty),
            "real_name": .bool(draft.mode == .realName), "confidential": .bool(draft.confidential),
            "diversion": diversion.map { d -> TemplateValue in
                ["text": .text(pages.text("route_\(d.rawValue)", request)), "had_files": .bool(hadFiles)]
            } ?? .bool(false),
        ])
    }

    /// The upload limits, said before anything is chosen.
    func limitsText(_ request: Request) -> String {
        pages.text("files_limits", request)
            .replacingOccurrences(of: "{count}", with: String(limits.maxFiles))
            .replacingOccurrences(of: "{size}", with: UploadLimits.sizeText(Int64(limits.maxFileBytes)))
            .replacingOccurrences(of: "{total}", with: UploadLimits.sizeText(Int64(limits.maxRequestBytes)))
    }
}

extension Response {
    /// The page with `placeholder` (ASCII, in the body once) replaced by `value` of the same length.
    func replacing(_ placeholder: String, with value: String) throws -> Response {
        guard case .bytes(let bytes) = body else { return self }
        let needle = Array(placeholder.utf8)
        guard let at = bytes.firstRange(of: needle) else { return self }
        var copy = self
        var out = bytes
        out.replaceSubrange(at, with: Array(value.utf8))
        copy.body = .bytes(out)
        return copy
    }
}

/// Responses that are the same for every request of a language, rendered on first use.
final class CachedPages: Sendable {
    private let pages = Mutex<[Language: Response]>([:])

    func page(_ language: Language, render: () throws -> Response) throws -> Response {
        if let cached = pages.withLock({ $0[language] }) { return cached }
        let fresh = try render()
        pages.withLock { $0[language] = fresh }
        return fresh
    }
}
