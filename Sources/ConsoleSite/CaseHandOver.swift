import Casefile
import Casework
import HTTPCore
import Presentation
import SiteKit

/// Issue 17 on the case page: the print views, and a report about the top (the head, the chairman
/// or the party secretary named as accused) handed over to the body one level up, sealed and
/// signed, as the rules send it (纪检监察机关处理检举控告工作规则 art. 15). The hand-over is the
/// head's; the file is downloaded at once to be carried to the body, and the case records it.
extension ConsoleCaseRoutes {
    func registerHandOver(on group: RouteGroup) {
        group.post("/case/:ref/hand-over") { try self.handOver($0) }
    }

    /// The print links, and when a principal leader is named, the notice and the hand-over form
    /// as the first thing on the page.
    func handOverValues(_ c: StaffCase, _ request: Request) throws -> [String: TemplateValue] {
        let prints = ["register", "approval", "report", "reward"].map { kind -> TemplateValue in
            ["href": .text("/console/case/\(c.ref)/print/\(kind)?lang=\(pages.language(request).rawValue)"),
             "label": .text(pages.text("print_link_\(kind)", request))]
        }
        var values: [String: TemplateValue] = ["print_links": .list(prints)]
        guard c.caseRole == .head else { return values }
        let matches = try ledger.principalLeadersAccused(c)
        guard !matches.isEmpty else { return values }
        let recipients = ledger.settings.escalationRecipients
        let done = try ledger.handOvers(c)
        values["escalation"] = [
            "who": .text(matches.map(\.displayName).joined(separator: pages.language(request) == .zh ? "、" : ", ")),
            "recipients": .list(recipients.map { ["name": .text($0.name)] }),
            "has_recipients": .bool(!recipients.isEmpty),
            "identity_allowed": .bool(c.realName && !c.confidential),
            "done": .list(done.map { ["to": .text($0.recipient), "sha256": .text($0.sha256)] }),
        ]
        return values
    }

    /// POST /console/case/:ref/hand-over: the sealed, signed export for the chosen body, recorded
    /// in the case (to whom, when, its SHA-256) and told to the reporter; answered with the file.
    func handOver(_ request: Request) throws -> Response {
        let c = try open(request, .view)
        guard let staff = request.staff else { throw HTTPError(.unauthorized) }
        let form = try FormFields.urlencoded(request)
        guard CSRF.matches(form.first("csrf"), staff.session.csrf) else { throw HTTPError(.forbidden, pages.text("stale_form", request)) }
        let recipient = form.first("recipient") ?? ""
        let export: Ledger.CaseExport
        do {
            export = try ledger.handOver(c, key: staff.session.key, to: recipient, withIdentity: form.first("with_identity") == "1")
        } catch let refused as Ledger.ActionRefused {
            return try casePage(request, error: refused.description, status: .unprocessableContent)
        }
        let name = "candor-export-\(export.registerNumber).candor-export"
        return Response(status: .ok, headers: ["Content-Type": "application/octet-stream",
                                               "Content-Disposition": "attachment; filename=\"\(name)\""], body: .bytes(export.bytes))
    }
}
