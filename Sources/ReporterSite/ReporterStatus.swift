import Casefile
import Casework
import Foundation
import HTTPCore
import Presentation
import SiteKit

/// The status page the tracking code opens: status, files, messages, reply and more evidence.
extension ReporterRoutes {
    func status(_ request: Request) throws -> Response {
        guard let (id, entry) = sessions.current(request) else {
            return try cachedUnlessInApp(.statusLogin, at: "/status", request) { try statusLogin(request) }
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

    /// The code form. `carried` is a reply typed before the session ran out: it rides in the
    /// page as a hidden field, back to the status form once the code is entered; the server keeps none of it.
    func statusLogin(_ request: Request, status: HTTPStatus = .ok, error: String = "", code: String = "",
                     carried: String = "", notice: String = "") throws -> Response {
        // With a reply carried, the language switch is a button of the code form, so the reply rides along.
        try render("status-login", request, title: pages.text("status_login_title", request), status: status,
                   ["error": .text(error), "code": .text(code), "carried_reply": .text(carried), "notice": .text(notice),
                    "form_switch": carried.isEmpty ? .bool(false) : ["form": "code-form", "action": "/status"]])
    }

    func statusPage(_ request: Request, id: String, entry: ReporterSessions.Entry, replyText: String = "",
                    replyError: String? = nil, status: HTTPStatus = .ok) throws -> Response {
        let view = try ledger.reporterView(entry.reporter)
        let language = pages.language(request)
        let messages = view.messages.map { m -> TemplateValue in
            ["from": .text(m.from.rawValue), "day": .text(m.day.description), "text": .text(m.text),
             "from_text": .text(pages.text(m.from == .department ? "from_department" : "from_you", request))]
        }
        let files = view.files.map { f -> TemplateValue in
            ["name": .text(f.name), "size": .text(UploadLimits.sizeText(f.size)), "day": .text(f.day.description)]
        }
        return try render("status", request, title: pages.text("status_title", request), status: status, [
            "status": .text(view.status.rawValue),
            "status_text": .text(language == .zh ? view.status.chinese : view.status.english),
            "received_on": .text(view.receivedOn.description),
            "evidence_count": .text(String(view.evidenceCount)),
            "files": .list(files), "has_files": .bool(!files.isEmpty),
            "messages": .list(messages),
            "reward": rewardValue(view.reward, request),
            "csrf": .text(entry.csrf),
            "flash": .text(sessions.takeFlash(id) ?? ""),
            "reply_text": .text(replyText),
            "reply_error": .text(replyError ?? ""),
            // The language switch posts the reply form back, so a reply being typed is kept.
            "form_switch": ["form": "reply-form", "action": "/status/reply"],
            "files_limits": .text(limitsText(request)),
            "session_hint": .text(minutes("reply_session_hint", request)),
            "end_hint": .text(minutes("end_session_hint", request)),
        ])
    }

    /// A text that names the session's length, in whole minutes (at least one).
    func minutes(_ key: String, _ request: Request) -> String {
        pages.text(key, request).replacingOccurrences(of: "{minutes}", with: String(max(1, sessions.lifetime / 60)))
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
        let carried = form.first("carried_reply") ?? ""
        if form.first("switch_language") != nil {
            return try statusLogin(request, code: input, carried: carried, notice: carried.isEmpty ? "" : pages.text("session_ended_reply", request))
        }
        // Too few or too many digits is not a typo the check digit found: say what is wrong.
        let digits = input.unicodeScalars.filter { (0x30...0x39).contains($0.value) || (0xFF10...0xFF19).contains($0.value) }.count
        if digits != TrackingCode.length, !input.allSatisfy(\.isWhitespace) {
            let text = pages.text(digits < TrackingCode.length ? "code_too_short" : "code_too_long", request)
                .replacingOccurrences(of: "{n}", with: String(digits))
            return try statusLogin(request, status: .badRequest, error: text, code: input, carried: carried)
        }
        do {
            let reporter = try ledger.openCase(code: input, gate: gate).get()
            let cookie = try sessions.create(reporter)
            var r: Response
            if carried.isEmpty {
                r = Response.redirect(to: "/status?lang=\(pages.language(request).rawValue)")
            } else {
                // The reply typed before the session ran out, back in its box, not yet sent.
                guard let (id, entry) = sessions.entry(cookie.value) else { throw ReporterRoutes.sessionEnded }
                sessions.setFlash(id, pages.text("reply_carried", request))
                r = try statusPage(request, id: id, entry: entry, replyText: carried)
            }
            try r.setCookie(cookie)
            return r
        } catch let failure as LookupFailure {
            return try codeRefused(failure, input: input, request, carried: carried)
        }
    }

    /// The code form again, saying why; a mistyped code is shown back to be corrected, any other
    /// is not repeated.
    func codeRefused(_ failure: LookupFailure, input: String, _ request: Request, carried: String = "") throws -> Response {
        func render() throws -> Response {
            var r = try statusLogin(request, status: failure.status, error: failure.message.resolved(pages.library, pages.language(request)),
                                    code: failure == .mistyped ? input : "", carried: carried)
            for field in failure.headers { r.headers.set(field.name, field.value) }
            return r
        }
        // Under a flood this is most answers: rendered once per language, then only copied.
        guard failure == .busy, carried.isEmpty, InAppBrowser.detect(request) == nil else { return try render() }
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
        let text = form.first("text") ?? ""
        guard sessions.current(request) != nil else {
            // The session ran out while the reply was typed: the code form, the reply carried in it.
            return try statusLogin(request, status: .unauthorized, carried: text,
                                   notice: pages.text(text.allSatisfy(\.isWhitespace) ? "session_ended" : "session_ended_reply", request))
        }
        let (id, entry) = try session(request, csrf: form.first("csrf"))
        if form.first("switch_language") != nil {
            return try whileCaseOpen(id, entry, request) { try statusPage(request, id: id, entry: entry, replyText: text) }
        }
        return try whileCaseOpen(id, entry, request) { try reply(request, id: id, entry: entry, text: text) }
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
        guard let (id, entry) = sessions.current(request) else {
            // Files cannot ride in a page: say so, and that nothing was stored.
            return try statusLogin(request, status: .unauthorized, notice: pages.text("session_ended_files", request))
        }
        return try whileCaseOpen(id, entry, request) { try addEvidence(request, id: id, entry: entry) }
    }

    func addEvidence(_ request: Request, id: String, entry: ReporterSessions.Entry) throws -> Response {
        let staging = ledger.beginEvidence(entry.reporter)
        var keep = false
        defer { if !keep { staging.discard() } }
        let refusals = UploadRefusals()
        let fields = try readForm(request, staging: staging, refusals: refusals, back: "/status")
        _ = try session(request, csrf: fields.first("csrf"))
        let refused = refusalErrors(refusals.refused, request)
        guard staging.fileCount > 0, refused.isEmpty else {
            let text = refused.isEmpty ? pages.text("no_file_chosen", request) : refused.map(\.text).joined(separator: " ")
            return try statusPage(request, id: id, entry: entry, replyError: text, status: .unprocessableContent)
        }
        try ledger.reporterAddEvidence(entry.reporter, staging: staging)
        keep = true
        let unclean = staging.filesWithMetadataKept > 0
        sessions.setFlash(id, unclean
            ? [pages.text("evidence_added_unclean", request), keptFormatsText(staging.keptFormats, request), pages.text("metadata_risk", request)].joined(separator: " ")
            : pages.text("evidence_added", request))
        return Response.redirect(to: "/status?lang=\(pages.language(request).rawValue)")
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
