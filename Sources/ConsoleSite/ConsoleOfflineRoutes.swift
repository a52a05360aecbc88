import Casefile
import Casework
import HTTPCore
import Presentation
import SiteKit

/// Art. 2 and 6: reports that came by letter, phone, e-mail or visit, entered by the head with
/// their channel and the scanned material, sealed exactly like an online report. Where there is a
/// reporter to hand it to, a tracking code is made for them.
public struct ConsoleOfflineRoutes: Sendable {
    let ledger: Ledger
    let pages: Pages
    let limits: UploadLimits

    static let channels: [Channel] = [.letter, .phone, .email, .visit]

    public init(ledger: Ledger, pages: Pages, limits: UploadLimits) {
        self.ledger = ledger
        self.pages = pages
        self.limits = limits
    }

    public func register(on group: RouteGroup) {
        let gated = group.requiring(.registerOfflineReport, ledger: ledger, pages: pages)
        gated.get("/offline") { try self.form($0, draft: ReportDraft(), channel: .letter, issueCode: true, errors: [], status: .ok) }
        gated.post("/offline", options: .streaming(maxBodySize: limits.maxRequestBytes)) { try self.submit($0) }
    }

    func form(_ request: Request, draft: ReportDraft, channel: Channel, issueCode: Bool, errors: [ReportDraft.FieldError],
              status: HTTPStatus) throws -> Response {
        let staff = try request.signedInStaff()
        let language = pages.language(request)
        let form = ReportFormValues(draft: draft, errors: errors, language: language) { pages.library.text($0, language) }
        return try pages.render("console-offline", request, title: pages.text("offline_register", request), status: status, [
            "staff": ConsoleAuthRoutes.staffValue(staff.account, language), "csrf": .text(staff.session.csrf),
            "channels": .list(ConsoleOfflineRoutes.channels.map { c in
                ["id": .text(c.rawValue), "label": .text(pages.text("via_\(c.rawValue)", request)), "selected": .bool(c == channel)]
            }),
            "report_fields": form.fields(categories: ledger.settings.categories),
            "errors": .list(errors.map { ["text": .text(language == .zh ? $0.zh : $0.en)] }),
            "field_errors": form.fieldErrors, "values": form.identity, "accused_rows": form.accusedRows(count: 3),
            "real_name": .bool(draft.mode == .realName), "confidential": .bool(draft.confidential),
            "issue_code": .bool(issueCode),
        ])
    }

    func submit(_ request: Request) throws -> Response {
        let staff = try request.signedInStaff()
        let staging = try ledger.beginIntake()
        var keep = false
        defer { if !keep { staging.discard() } }
        let fields = try FormFields.read(request, staging: staging, store: ledger.files, limits: limits)
        guard CSRF.matches(fields.first("csrf"), staff.session.csrf) else { throw HTTPError(.forbidden, pages.text("stale_form", request)) }
        let channel = Channel(rawValue: fields.first("channel") ?? "").flatMap { ConsoleOfflineRoutes.channels.contains($0) ? $0 : nil } ?? .letter
        let issueCode = fields.first("issue_code") == "1"
        let draft = fields.reportDraft()
        let errors = draft.validate(categories: ledger.settings.categories)
        guard errors.isEmpty else {
            return try form(request, draft: draft, channel: channel, issueCode: issueCode, errors: errors, status: .unprocessableContent)
        }
        let receipt = try ledger.submit(draft, staging: staging, channel: channel, registeredBy: staff.account.id, issueCode: issueCode)
        keep = true
        // The head entering a letter, call or visit has registered it (art. 6): it does not wait
        // again under "new reports". A head the report keeps out holds no grant and skips this.
        if case .granted(let c) = try ledger.staffCase(ref: receipt.caseRef, accountID: staff.account.id, key: staff.session.key, action: .register) {
            try ledger.register(c, category: nil, message: nil)
        }
        return try pages.render("console-offline-done", request, title: pages.text("offline_register", request), [
            "staff": ConsoleAuthRoutes.staffValue(staff.account, pages.language(request)), "csrf": .text(staff.session.csrf),
            "register": .text(receipt.registerNumber.description), "ref": .text(receipt.caseRef),
            "code": .text(receipt.code?.grouped ?? ""),
        ])
    }
}
