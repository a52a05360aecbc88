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

    public init(ledger: Ledger, pages: Pages, sessions: ReporterSessions, gate: LookupGateHandle, limits: UploadLimits) {
        self.ledger = ledger
        self.pages = pages
        self.sessions = sessions
        self.gate = gate
        self.limits = limits
    }

    public func register(on router: Router) {
        router.get("/") { request in try self.pages.cached(.landing, at: "/", request) { try self.landing(request) } }
        router.get("/report") { try self.emptyReportForm($0) }
        router.post("/report", options: .streaming(maxBodySize: limits.maxRequestBytes)) { try self.submit($0) }
        router.get("/status") { try self.status($0) }
        router.post("/status") { try self.openWithCode($0) }
        router.post("/status/reply") { try self.reply($0) }
        router.post("/status/evidence", options: .streaming(maxBodySize: limits.maxRequestBytes)) { try self.addEvidence($0) }
        router.post("/status/end") { try self.endSession($0) }
    }

    // MARK: landing

    func landing(_ request: Request) throws -> Response {
        let s = ledger.settings
        let channels: TemplateValue = [
            "postal_address": .text(s.channels.postalAddress), "postcode": .text(s.channels.postcode),
            "phone": .text(s.channels.phone), "email": .text(s.channels.email),
            "external": .list(s.channels.external.map(TemplateValue.text)),
        ]
        return try pages.render("landing", request, title: pages.text("landing_title", request),
                                ["channels": channels, "has_external": .bool(!s.channels.external.isEmpty)])
    }

    // MARK: the report form

    static let accusedRows = 5

    /// The form as every reporter first sees it; kept until the settings or the handlers change.
    func emptyReportForm(_ request: Request) throws -> Response {
        let handlers = try pages.cache.handlers(ledger)
        return try pages.cached(.reportForm, at: "/report", request, handlers: handlers) {
            try reportForm(request, draft: ReportDraft(), errors: [], hadFiles: false, status: .ok, handlers: handlers)
        }
    }

    func reportForm(_ request: Request, draft: ReportDraft, errors: [ReportDraft.FieldError], hadFiles: Bool,
                    status: HTTPStatus, handlers: [PageCache.Handler]? = nil, diversion: IntakeDiversion? = nil) throws -> Response {
        let language = pages.language(request)
        let form = ReportFormValues(draft: draft, errors: errors, language: language) { pages.library.text($0, language) }
        let handlers = try (handlers ?? pages.cache.handlers(ledger)).map { h -> TemplateValue in
            ["id": .text(String(h.id)), "name": .text(h.name), "role": .text(RoleText.text(h.role, seat: h.seat, language)),
             "checked": .bool(draft.excludedHandlers.contains(h.id))]
        }
        let errorList = errors.map { e -> TemplateValue in
            ["field": .text(e.field), "text": .text(language == .zh ? e.zh : e.en)]
        }
        return try pages.render("report", request, title: pages.text("report_title", request), status: status, [
            "report_fields": form.fields(categories: ledger.settings.categories), "values": form.identity,
            "field_errors": form.fieldErrors, "errors": .list(errorList), "had_files": .bool(hadFiles),
            "accused_rows": form.accusedRows(count: ReporterRoutes.accusedRows),
            "handlers": .list(handlers), "has_handlers": .bool(!handlers.isEmpty),
            "real_name": .bool(draft.mode == .realName), "confidential": .bool(draft.confidential),
            "diversion": diversion.map { d -> TemplateValue in
                ["text": .text(pages.text("route_\(d.rawValue)", request)), "had_files": .bool(hadFiles)]
            } ?? .bool(false),
        ])
    }

    func submit(_ request: Request) throws -> Response {
        let staging = try ledger.beginIntake()
        var keep = false
        defer { if !keep { staging.discard() } }
        let fields = try FormFields.read(request, staging: staging, store: ledger.files, limits: limits)
        let draft = fields.reportDraft()
        let errors = draft.validate(categories: ledger.settings.categories)
        guard errors.isEmpty else {
            // Nothing is lost but the files, which a page cannot hand back: the form says so.
            return try reportForm(request, draft: draft, errors: errors, hadFiles: staging.fileCount > 0, status: .unprocessableContent)
        }
        // Art. 10 lets the reporter keep the report from anyone, the heads included; before it is
        // sent they are told, in their language, who receives it instead, and confirm. Without
        // JavaScript this is a second round: the form comes back filled in (files are not kept,
        // as after an error) with the notice and a box to tick.
        if let diversion = try ledger.intakeDiversion(for: draft), fields.first("route_confirmed") != "1" {
            return try reportForm(request, draft: draft, errors: [], hadFiles: staging.fileCount > 0, status: .ok, diversion: diversion)
        }
        let receipt = try ledger.submit(draft, staging: staging)
        keep = true
        return try pages.render("receipt", request, title: pages.text("receipt_title", request), [
            "code": .text(receipt.code?.grouped ?? ""),
            "received_on": .text(receipt.receivedOn.description),
            "files_unclean": .bool(staging.filesWithMetadataKept > 0),
            "unclean_formats": .text(keptFormats(staging, request)),
        ])
    }

    // MARK: status

    func status(_ request: Request) throws -> Response {
        guard let (id, entry) = sessions.current(request) else {
            return try pages.cached(.statusLogin, at: "/status", request) { try statusLogin(request) }
        }
        return try whileCaseOpen(id, entry, request) { try statusPage(request, id: id, entry: entry) }
    }

    /// Runs `body` for a session whose case still exists. A case purged after the session opened
    /// (by `candor purge`, in another process) ends the session at its next request, and what
    /// it posts gets the page an unknown code gets, not a 500: the store refuses the write, and
    /// the reporter learns nothing a wrong code would not tell.
    func whileCaseOpen(_ id: String, _ entry: ReporterSessions.Entry, _ request: Request, _ body: () throws -> Response) throws -> Response {
        guard try ledger.reporterCaseIsOpen(entry.reporter) else { return try caseGone(id, request) }
        do {
            return try body()
        } catch {
            // Purged between the check and the write: the same answer.
            if try !ledger.reporterCaseIsOpen(entry.reporter) { return try caseGone(id, request) }
            throw error
        }
    }

    func caseGone(_ id: String, _ request: Request) throws -> Response {
        sessions.end(id)
        var r = try codeRefused(.notFound, input: "", request)
        try r.setCookie(sessions.expiredCookie())
        return r
    }

    func statusLogin(_ request: Request) throws -> Response {
        try pages.render("status-login", request, title: pages.text("status_login_title", request))
    }

    func statusPage(_ request: Request, id: String, entry: ReporterSessions.Entry, replyText: String = "",
                    replyError: String? = nil, status: HTTPStatus = .ok) throws -> Response {
        let view = try ledger.reporterView(entry.reporter)
        let language = pages.language(request)
        let messages = view.messages.map { m -> TemplateValue in
            ["from": .text(m.from.rawValue), "day": .text(m.day.description), "text": .text(m.text),
             "from_text": .text(pages.text(m.from == .department ? "from_department" : "from_you", request))]
        }
        return try pages.render("status", request, title: pages.text("status_title", request), status: status, [
            "status": .text(view.status.rawValue),
            "status_text": .text(language == .zh ? view.status.chinese : view.status.english),
            "received_on": .text(view.receivedOn.description),
            "evidence_count": .text(String(view.evidenceCount)),
            "messages": .list(messages),
            "reward": rewardValue(view.reward, request),
            "csrf": .text(entry.csrf),
            "flash": .text(sessions.takeFlash(id) ?? ""),
            "reply_text": .text(replyText),
            "reply_error": .text(replyError ?? ""),
        ])
    }

    func rewardValue(_ reward: ReporterView.Reward?, _ request: Request) -> TemplateValue {
        guard let reward else { return .text("") }
        let reasons = reward.reasons.map { pages.text($0 == 0 ? "reward_reason_earlier" : "reward_reason_\($0)", request) }
        return ["excluded": .bool(reward.decision == .excluded), "approved": .bool(reward.decision == .approved),
                "paid": .bool(reward.decision == .paid), "amount": .text(reward.amount?.yuanText ?? ""),
                "claim_ref": .text(reward.claimRef ?? ""), "reasons": .list(reasons.map(TemplateValue.text))]
    }

    func openWithCode(_ request: Request) throws -> Response {
        let form = try FormFields.urlencoded(request)
        let input = form.first("code") ?? ""
        do {
            let reporter = try ledger.openCase(code: input, gate: gate).get()
            let cookie = try sessions.create(reporter)
            var r = Response.redirect(to: "/status?lang=\(pages.language(request).rawValue)")
            try r.setCookie(cookie)
            return r
        } catch let failure as LookupFailure {
            return try codeRefused(failure, input: input, request)
        }
    }

    /// The code form again, saying why; a mistyped code is shown back to be corrected, any other
    /// is not repeated.
    func codeRefused(_ failure: LookupFailure, input: String, _ request: Request) throws -> Response {
        func render() throws -> Response {
            var r = try pages.render("status-login", request, title: pages.text("status_login_title", request), status: failure.status,
                                     ["error": .text(failure.message.resolved(pages.library, pages.language(request))),
                                      "code": .text(failure == .mistyped ? input : "")])
            for field in failure.headers { r.headers.set(field.name, field.value) }
            return r
        }
        // Under a flood this is most answers: rendered once per language, then only copied.
        guard failure == .busy else { return try render() }
        return try busyPages.page(pages.language(request), render: render)
    }

    static let sessionEnded = PageError(.unauthorized, .key("session_ended"), title: .key("session_ended_title"), back: "/status")
    static let staleForm = PageError(.forbidden, .key("stale_form"), title: .key("stale_form_title"), back: "/status")

    /// The session and its CSRF token, or the `PageError` that refuses the request.
    func session(_ request: Request, csrf: String?) throws -> (id: String, entry: ReporterSessions.Entry) {
        guard let (id, entry) = sessions.current(request) else { throw ReporterRoutes.sessionEnded }
        guard CSRF.matches(csrf, entry.csrf) else { throw ReporterRoutes.staleForm }
        return (id, entry)
    }

    func reply(_ request: Request) throws -> Response {
        let form = try FormFields.urlencoded(request)
        let (id, entry) = try session(request, csrf: form.first("csrf"))
        return try whileCaseOpen(id, entry, request) { try reply(request, id: id, entry: entry, text: form.first("text") ?? "") }
    }

    func reply(_ request: Request, id: String, entry: ReporterSessions.Entry, text: String) throws -> Response {
        if text.allSatisfy(\.isWhitespace) {
            return try statusPage(request, id: id, entry: entry, replyText: text,
                                  replyError: pages.text("reply_empty", request), status: .unprocessableContent)
        }
        if text.unicodeScalars.count > ReportDraft.Limits.narrative {
            return try statusPage(request, id: id, entry: entry, replyText: text,
                                  replyError: pages.text("reply_too_long", request), status: .unprocessableContent)
        }
        try ledger.reporterReply(entry.reporter, text: text)
        sessions.setFlash(id, pages.text("reply_sent", request))
        return Response.redirect(to: "/status?lang=\(pages.language(request).rawValue)#messages")
    }

    func addEvidence(_ request: Request) throws -> Response {
        guard let (id, entry) = sessions.current(request) else { throw ReporterRoutes.sessionEnded }
        return try whileCaseOpen(id, entry, request) { try addEvidence(request, id: id, entry: entry) }
    }

    func addEvidence(_ request: Request, id: String, entry: ReporterSessions.Entry) throws -> Response {
        let staging = ledger.beginEvidence(entry.reporter)
        var keep = false
        defer { if !keep { staging.discard() } }
        let fields = try FormFields.read(request, staging: staging, store: ledger.files, limits: limits)
        _ = try session(request, csrf: fields.first("csrf"))
        guard staging.fileCount > 0 else {
            return try statusPage(request, id: id, entry: entry, replyError: pages.text("no_file_chosen", request),
                                  status: .unprocessableContent)
        }
        try ledger.reporterAddEvidence(entry.reporter, staging: staging)
        keep = true
        let unclean = staging.filesWithMetadataKept > 0
        sessions.setFlash(id, unclean
            ? [pages.text("evidence_added_unclean", request), keptFormats(staging, request), pages.text("metadata_risk", request)].joined(separator: " ")
            : pages.text("evidence_added", request))
        return Response.redirect(to: "/status?lang=\(pages.language(request).rawValue)")
    }

    /// "MOV, PDF" (zh: "MOV、PDF"): the formats of the files kept with their metadata, once each.
    private func keptFormats(_ staging: IntakeStaging, _ request: Request) -> String {
        var names: [String] = []
        for format in staging.keptFormats {
            let name = format ?? pages.text("format_unknown", request)
            if !names.contains(name) { names.append(name) }
        }
        return names.joined(separator: pages.language(request) == .zh ? "、" : ", ")
    }

    func endSession(_ request: Request) throws -> Response {
        let form = try FormFields.urlencoded(request)
        if let (id, entry) = sessions.current(request), CSRF.matches(form.first("csrf"), entry.csrf) {
            sessions.end(id)
        }
        var r = Response.redirect(to: "/status?lang=\(pages.language(request).rawValue)")
        try r.setCookie(sessions.expiredCookie())
        return r
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
