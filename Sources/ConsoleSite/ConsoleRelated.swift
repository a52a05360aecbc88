import Casefile
import Casework
import Foundation
import HTTPCore
import Presentation
import SiteKit

/// Related reports on the case page (issue 16): for the head who holds the case for intake, the
/// other cases they hold that name the same accused, and a button to link one as the same
/// matter. The index of the accused lives in the head's session only (`StaffSession`).
extension ConsoleCaseRoutes {
    func relatedValues(_ c: StaffCase, _ staff: StaffContext, _ request: Request) throws -> [String: TemplateValue] {
        guard c.capacities.contains("intake") else { return [:] }
        // Built on the first case page of the session; later pages add only newer cases.
        let index = try ledger.accusedIndex(accountID: c.accountID, key: staff.session.key, extending: staff.session.accusedIndex)
        sessions.update(staff.id) { $0.accusedIndex = index }
        let (reports, total) = try ledger.relatedReports(of: c, in: index)
        let lang = pages.language(request).rawValue
        return [
            "shows_related": .bool(true),
            "related": .list(reports.map { r in
                ["ref": .text(r.entry.ref), "register": .text(r.entry.register), "received": .text(r.entry.received.description),
                 "state": .text(stateText(r.entry.state, r.entry.outcome, request)),
                 "basis": .text(pages.text("related_basis_\(r.basis)", request)), "linked": .bool(r.linked), "lang": .text(lang)]
            }),
            "has_related": .bool(!reports.isEmpty), "ref_self": .text(c.ref),
            "related_count": .text(String(total)),
            "related_more": .bool(total > reports.count),
        ]
    }

    /// Links the open case and another the head holds as the same matter (sealed in the case).
    func linkSameMatter(_ request: Request) throws -> Response {
        guard let staff = request.staff else { throw HTTPError(.unauthorized) }
        let form = try FormFields.urlencoded(request)
        guard CSRF.matches(form.first("csrf"), staff.session.csrf) else { throw HTTPError(.forbidden, pages.text("stale_form", request)) }
        let c = try open(request, .view)
        let register = form.first("register") ?? ""
        do {
            try ledger.linkSameMatter(c, register: register)
        } catch let refused as Ledger.ActionRefused {
            return try casePage(request, error: refused.description, status: .unprocessableContent)
        }
        let said = pages.text("related_linked", request).replacingOccurrences(of: "{n}", with: register)
        sessions.update(staff.id) { $0.flash = said }
        return Response.redirect(to: "/console/case/\(c.ref)?lang=\(pages.language(request).rawValue)")
    }
}
