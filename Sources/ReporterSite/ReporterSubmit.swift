import Casefile
import Casework
import HTTPCore
import Presentation
import SiteKit

/// Sending the report, and the receipt after it (post-redirect-get, see `SubmissionDesk`).
extension ReporterRoutes {
    func submit(_ request: Request) throws -> Response {
        let staging = try ledger.beginIntake()
        var keep = false
        defer { if !keep { staging.discard() } }
        let refusals = UploadRefusals()
        let fields = try readForm(request, staging: staging, refusals: refusals, back: "/report")
        let draft = fields.reportDraft()
        let hadFiles = staging.fileCount > 0
        let given = fields.first(SubmissionDesk.tokenField)
        let token = SubmissionDesk.isWellFormed(given) ? given! : try SubmissionDesk.newToken()
        func again(_ errors: [ReportDraft.FieldError], _ extra: [NamedError] = [], status: HTTPStatus = .unprocessableContent,
                   diversion: IntakeDiversion? = nil) throws -> Response {
            try reportForm(request, draft: draft, errors: errors, hadFiles: hadFiles, status: status, diversion: diversion,
                           token: token, extraErrors: extra)
        }
        // The form's language switch is a button of the form: the page comes back in the
        // other language with everything typed (only files, which a page cannot hand back, are lost).
        if fields.first("switch_language") != nil { return try again([], status: .ok) }
        let errors = draft.validate(categories: ledger.settings.categories)
        let fileErrors = refusalErrors(refusals.refused, request)
        guard SubmissionDesk.isWellFormed(given) else {
            return try again(errors, fileErrors + [NamedError(field: "submit", text: pages.text("form_token_missing", request))])
        }
        // Nothing is lost but the files, which a page cannot hand back: the form says so.
        guard errors.isEmpty, fileErrors.isEmpty else { return try again(errors, fileErrors) }
        // Art. 10 lets the reporter keep the report from anyone, the heads included; before it is
        // sent they are told, in their language, who receives it instead, and confirm. Without
        // JavaScript this is a second round: the form comes back filled in (files are not kept,
        // as after an error) with the notice and a box to tick.
        if let diversion = try ledger.intakeDiversion(for: draft), fields.first("route_confirmed") != "1" {
            return try again([], status: .ok, diversion: diversion)
        }
        switch submissions.claim(token) {
        case .done(let id): return receiptRedirect(id, request)
        case .pending:
            guard let id = submissions.awaitDone(token) else { return try again([], [NamedError(field: "submit", text: pages.text("form_retry", request))]) }
            return receiptRedirect(id, request)
        case .fresh: break
        }
        let receipt: Casefile.Receipt
        do { receipt = try ledger.submit(draft, staging: staging) } catch {
            submissions.release(token)
            throw error
        }
        keep = true
        let id = try submissions.finish(token, code: receipt.code?.digits ?? "", receivedOn: receipt.receivedOn.description,
                                        filesUnclean: staging.filesWithMetadataKept > 0, keptFormats: staging.keptFormats)
        return receiptRedirect(id, request)
    }

    /// The form's fields; a body over the request's limit (the files together) is a page in the
    /// reporter's language, not the server's "Content Too Large".
    func readForm(_ request: Request, staging: IntakeStaging, refusals: UploadRefusals, back: String) throws -> FormFields {
        do {
            return try FormFields.read(request, staging: staging, store: ledger.files, limits: limits, refusals: refusals)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw PageError(.contentTooLarge, .key("form_too_large"), title: .key("form_has_errors"), back: back)
        }
    }

    /// Each file the form skipped, said once with its name and size in words a person reads.
    func refusalErrors(_ refused: [UploadRefusals.Refused], _ request: Request) -> [NamedError] {
        refused.map { r in
            let key = r.reason == .tooBig ? "file_too_big" : "file_too_many"
            let text = pages.text(key, request)
                .replacingOccurrences(of: "{name}", with: r.name)
                .replacingOccurrences(of: "{size}", with: UploadLimits.sizeText(r.size))
                .replacingOccurrences(of: "{limit}", with: UploadLimits.sizeText(Int64(limits.maxFileBytes)))
                .replacingOccurrences(of: "{count}", with: String(limits.maxFiles))
            return NamedError(field: "files", text: text)
        }
    }

    /// "MOV, PDF" (zh: "MOV、PDF"): the formats of the files kept with their metadata, once each.
    func keptFormatsText(_ formats: [String?], _ request: Request) -> String {
        var names: [String] = []
        for format in formats {
            let name = format ?? pages.text("format_unknown", request)
            if !names.contains(name) { names.append(name) }
        }
        return names.joined(separator: pages.language(request) == .zh ? "、" : ", ")
    }

    func receiptRedirect(_ id: String, _ request: Request) -> Response {
        var r = Response.redirect(to: "/report/receipt?lang=\(pages.language(request).rawValue)")
        try? r.setCookie(submissions.cookie(id))
        return r
    }

    /// The receipt: the tracking code the first time, laid out for copying by hand; after that
    /// (a refresh, a tab the phone reloaded) the page that says what to do if it was lost.
    func receipt(_ request: Request) throws -> Response {
        let found = request.cookies[SubmissionDesk.cookieName].flatMap(submissions.take)
        let code = found?.code ?? ""
        let groups = stride(from: 0, to: code.count, by: 4).map { i -> TemplateValue in
            let start = code.index(code.startIndex, offsetBy: i)
            return .text(String(code[start..<(code.index(start, offsetBy: 4, limitedBy: code.endIndex) ?? code.endIndex)]))
        }
        let channels = ledger.settings.channels
        return try render("receipt", request, title: pages.text(code.isEmpty ? "receipt_again_title" : "receipt_title", request), [
            "shown": .bool(!code.isEmpty), "code_groups": .list(groups),
            "received_on": .text(found?.receivedOn ?? ""), "known": .bool(found != nil),
            "files_unclean": .bool(found?.filesUnclean ?? false), "phone": .text(channels.phone),
            "unclean_formats": .text(keptFormatsText(found?.keptFormats ?? [], request)),
        ])
    }
}
