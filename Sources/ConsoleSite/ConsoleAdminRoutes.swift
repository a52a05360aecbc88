import Casefile
import Casework
import Foundation
import HTTPCore
import Presentation
import SiteKit

/// The administrator's pages: staff accounts and the settings. Nothing here leads to a case: the
/// administrator manages who may hold keys, never what the keys open (DESIGN.md, roles).
public struct ConsoleAdminRoutes: Sendable {
    let ledger: Ledger
    let pages: Pages
    let sessions: StaffSessions
    /// Where a saved change of settings goes; nil keeps it in memory until the next restart.
    let settingsFile: URL?

    public init(ledger: Ledger, pages: Pages, sessions: StaffSessions, settingsFile: URL?) {
        self.ledger = ledger
        self.pages = pages
        self.sessions = sessions
        self.settingsFile = settingsFile
    }

    public func register(on group: RouteGroup) {
        let accounts = group.requiring(.manageAccounts, ledger: ledger, pages: pages)
        accounts.get("/admin") { try self.accountsPage($0, error: nil, status: .ok) }
        accounts.post("/admin/accounts") { try self.create($0) }
        accounts.post("/admin/disable") { try self.setDisabled($0, true) }
        accounts.post("/admin/enable") { try self.setDisabled($0, false) }
        accounts.post("/admin/reset") { try self.reset($0) }
        let settings = group.requiring(.changeSettings, ledger: ledger, pages: pages)
        settings.get("/admin/settings") { try self.settingsPage($0, text: nil, error: nil, status: .ok) }
        settings.post("/admin/settings") { try self.saveSettings($0) }
        registerConfirmations(on: group)
    }

    /// The form's CSRF token; the group's role gate has run before (a stranger learns nothing,
    /// not even that the form was stale).
    func postedForm(_ request: Request) throws -> (StaffContext, FormFields) {
        let staff = try request.signedInStaff()
        let form = try FormFields.urlencoded(request)
        guard CSRF.matches(form.first("csrf"), staff.session.csrf) else { throw HTTPError(.forbidden, pages.text("stale_form", request)) }
        return (staff, form)
    }

    func takeFlash(_ staff: StaffContext) -> String {
        var text: String?
        sessions.update(staff.id) { text = $0.flash; $0.flash = nil }
        return text ?? ""
    }

    func back(_ request: Request, _ staff: StaffContext, to path: String, flash: String) -> Response {
        sessions.update(staff.id) { $0.flash = flash }
        return Response.redirect(to: "\(path)?lang=\(pages.language(request).rawValue)")
    }

    // MARK: accounts

    func accountsPage(_ request: Request, error: String?, status: HTTPStatus, form: FormFields? = nil) throws -> Response {
        let staff = try request.signedInStaff()
        let language = pages.language(request)
        let chosenRole = form?.first("role") ?? Role.inspector.rawValue
        let chosenSeat = form?.first("seat") ?? ""
        let rows = try ledger.accounts().map { a -> TemplateValue in
            ["login": .text(a.login), "name": .text(a.displayName), "employee_id": .text(a.employeeID ?? ""), "post": .text(a.post ?? ""),
             "role": .text(RoleText.text(a.role, seat: nil, language)),
             "seat": .text(a.seat.map { pages.text("seat_\($0.rawValue)", request) } ?? ""),
             "totp": .bool(a.totpEnrolled), "disabled": .bool(a.disabled), "is_self": .bool(a.id == staff.account.id),
             "awaiting": .bool(a.readingPending)]
        }
        return try pages.render("console-admin", request, title: pages.text("admin_accounts_title", request), status: status, [
            "staff": ConsoleAuthRoutes.staffValue(staff.account, language),
            "csrf": .text(staff.session.csrf), "flash": .text(takeFlash(staff)), "error": .text(error ?? ""),
            "accounts": .list(rows),
            "new": ["login": .text(form?.first("login") ?? ""), "name": .text(form?.first("name") ?? ""),
                    "employee_id": .text(form?.first("employee_id") ?? ""), "post": .text(form?.first("post") ?? "")],
            "roles": .list(Role.allCases.map { r in
                ["value": .text(r.rawValue), "label": .text(RoleText.text(r, seat: nil, language)), "selected": .bool(r.rawValue == chosenRole)]
            }),
            "seats": .list(Seat.allCases.map { s in
                ["value": .text(s.rawValue), "label": .text(pages.text("seat_\(s.rawValue)", request)), "selected": .bool(s.rawValue == chosenSeat)]
            }),
        ])
    }

    func create(_ request: Request) throws -> Response {
        let (staff, form) = try postedForm(request)
        guard let role = Role(rawValue: form.first("role") ?? "") else {
            return try accountsPage(request, error: pages.text("admin_choose_role", request), status: .unprocessableContent, form: form)
        }
        let seatText = form.first("seat") ?? ""
        let employeeID = (form.first("employee_id") ?? "").trimmingCharacters(in: .whitespaces)
        do {
            let account = try ledger.createAccount(login: form.first("login") ?? "", displayName: form.first("name") ?? "",
                                                   employeeID: employeeID.isEmpty ? nil : employeeID, role: role,
                                                   seat: Seat(rawValue: seatText), post: form.first("post"), password: form.first("password") ?? "",
                                                   actor: "staff:\(staff.account.id)")
            return back(request, staff, to: "/console/admin",
                        flash: pages.text("admin_created", request).replacingOccurrences(of: "{login}", with: account.login)
                            + awaitingNotice(request, account.readingPending))
        } catch let problem as Ledger.AccountProblem {
            return try accountsPage(request, error: problem.description, status: .unprocessableContent, form: form)
        }
    }

    func setDisabled(_ request: Request, _ disabled: Bool) throws -> Response {
        let (staff, form) = try postedForm(request)
        let login = form.first("login") ?? ""
        if disabled && login == staff.account.login {
            return try accountsPage(request, error: pages.text("admin_not_yourself", request), status: .unprocessableContent)
        }
        do {
            try ledger.setDisabled(login: login, disabled, actor: "staff:\(staff.account.id)")
        } catch let problem as Ledger.AccountProblem {
            return try accountsPage(request, error: problem.description, status: .unprocessableContent)
        }
        // A disabled account's open session would otherwise live on until it idles out.
        if disabled, let account = try ledger.account(login: login) { sessions.endSessions(of: account.id) }
        let pending = try ledger.account(login: login)?.readingPending == true
        return back(request, staff, to: "/console/admin",
                    flash: pages.text(disabled ? "admin_disabled_done" : "admin_enabled_done", request).replacingOccurrences(of: "{login}", with: login)
                        + awaitingNotice(request, !disabled && pending))
    }

    func reset(_ request: Request) throws -> Response {
        let (staff, form) = try postedForm(request)
        let login = form.first("login") ?? ""
        let lost: [String]
        do {
            lost = try ledger.resetPassword(login: login, newPassword: form.first("password") ?? "", actor: "staff:\(staff.account.id)")
        } catch let problem as Ledger.AccountProblem {
            return try accountsPage(request, error: problem.description, status: .unprocessableContent)
        }
        // The session holds the old private key, unlocked: it must not outlive the reset.
        if let account = try ledger.account(login: login) { sessions.endSessions(of: account.id) }
        if login == staff.account.login {
            return Response.redirect(to: "/console/login?lang=\(pages.language(request).rawValue)")
        }
        let text = pages.text("admin_reset_done", request).replacingOccurrences(of: "{login}", with: login)
            + " " + pages.text("admin_reset_lost", request).replacingOccurrences(of: "{count}", with: String(lost.count))
            + awaitingNotice(request, try ledger.account(login: login)?.readingPending == true)
        return back(request, staff, to: "/console/admin", flash: text)
    }

    /// Issue 13: said after every change that waits for a second person.
    func awaitingNotice(_ request: Request, _ pending: Bool) -> String {
        pending ? " " + pages.text("admin_awaiting_notice", request) : ""
    }

    // MARK: settings

    func settingsPage(_ request: Request, text: String?, error: String?, status: HTTPStatus) throws -> Response {
        let staff = try request.signedInStaff()
        let json = try text ?? String(decoding: ledger.settings.encodedJSON(), as: UTF8.self)
        return try pages.render("console-admin-settings", request, title: pages.text("admin_settings_title", request), status: status, [
            "staff": ConsoleAuthRoutes.staffValue(staff.account, pages.language(request)),
            "csrf": .text(staff.session.csrf), "flash": .text(takeFlash(staff)), "error": .text(error ?? ""),
            "settings_json": .text(json), "in_memory_only": .bool(settingsFile == nil),
            "pending_alternates": .text(try ledger.pendingAlternates().map {
                pages.text("admin_settings_alternates_pending", request).replacingOccurrences(of: "{alternates}", with: Self.alternatesText($0))
            } ?? ""),
        ])
    }

    func saveSettings(_ request: Request) throws -> Response {
        let (staff, form) = try postedForm(request)
        let text = form.first("settings") ?? ""
        let changed: [String]
        do {
            changed = try ledger.changeSettings(json: Array(text.utf8), file: settingsFile, actor: "staff:\(staff.account.id)")
        } catch let invalid as Settings.Invalid {
            return try settingsPage(request, text: text, error: invalid.description, status: .unprocessableContent)
        } catch let refused as Ledger.AlternatesRefused {
            return try settingsPage(request, text: text, error: pages.text("admin_settings_alternates_refused", request) + " " + refused.description,
                                    status: .unprocessableContent)
        } catch let failure as CocoaError {
            return try settingsPage(request, text: text, error: pages.text("admin_settings_unwritable", request) + " (\(failure.localizedDescription))",
                                    status: .internalServerError)
        }
        var flash = changed.isEmpty ? pages.text("admin_settings_unchanged", request)
            : pages.text("admin_settings_saved", request).replacingOccurrences(of: "{keys}", with: changed.joined(separator: ", "))
        // Issue 13: new alternates are asked for, not in force; say so where the admin looks.
        if changed.contains("alternates"), let asked = try ledger.pendingAlternates() {
            flash += " " + pages.text("admin_settings_alternates_pending", request).replacingOccurrences(of: "{alternates}", with: Self.alternatesText(asked))
        }
        return back(request, staff, to: "/console/admin/settings", flash: flash)
    }
}
