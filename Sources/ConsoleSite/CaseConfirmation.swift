import Casefile
import Casework
import HTTPCore
import Presentation
import SiteKit

/// The case actions that cannot be undone: each is done only from a second page that says what
/// will happen (no script needed). A GET of `/case/:ref/confirm/:action` shows the page; the
/// action's POST does it only with `confirm=1`, and without it answers with the same page,
/// carrying what was typed.
enum CaseConfirmation {
    /// Action name → the text key of its label (the page's title and button).
    static let labels: [String: String] = [
        "recuse": "act_recuse", "close": "act_close", "not-actionable": "act_not_actionable", "refuse": "act_refuse",
        "exclude": "act_exclude", "withdraw": "act_withdraw", "legal-hold": "legal_hold_lift",
    ]

    /// Whether `name`, posted with `form`, must be confirmed first. Placing a legal hold keeps
    /// data and needs no confirmation; lifting it lets retention destroy the case.
    static func needed(_ name: String, _ form: FormFields) -> Bool {
        guard labels[name] != nil else { return false }
        return name != "legal-hold" || form.first("on") != "1"
    }

    /// The text key saying what the action will do.
    static func consequenceKey(_ name: String) -> String { "confirm_what_" + name.replacingOccurrences(of: "-", with: "_") }
}

extension ConsoleCaseRoutes {
    /// GET: the confirmation page with the action's own fields (the recusal's reason).
    func confirmPage(_ request: Request) throws -> Response {
        guard let name = request.parameters["action"], CaseConfirmation.labels[name] != nil, let action = ConsoleCaseRoutes.actionMap[name] else {
            throw HTTPError(.notFound, "No such action.")
        }
        return try confirmPage(request, try open(request, action), name: name, carried: FormFields(pairs: []))
    }

    /// The page itself: what will happen, what was typed (carried in hidden fields, never
    /// stored), and one button that does it.
    func confirmPage(_ request: Request, _ c: StaffCase, name: String, carried: FormFields) throws -> Response {
        let staff = try request.signedInStaff()
        let label = pages.text(CaseConfirmation.labels[name] ?? "", request)
        let hidden = carried.pairs.filter { !["csrf", "confirm"].contains($0.name) }
        let typed = carried.first("text") ?? ""
        return try pages.render("console-case-confirm", request, title: label, [
            "staff": ConsoleAuthRoutes.staffValue(staff.account, pages.language(request)), "csrf": .text(staff.session.csrf),
            "ref": .text(c.ref), "register": .text(c.registerNumber.description), "action": .text(name), "label": .text(label),
            "consequence": .text(pages.text(CaseConfirmation.consequenceKey(name), request)
                + (name == "recuse" && c.seat != nil ? pages.text("confirm_what_recuse_seat", request) : "")),
            "carried": .list(hidden.map { ["name": .text($0.name), "value": .text($0.value)] }),
            "typed": .text(typed),
            // The recusal's reason is asked here when the page is reached by its link.
            "ask_reason": .bool(name == "recuse" && carried.pairs.isEmpty),
            "legal_hold_off": .bool(name == "legal-hold" && carried.pairs.isEmpty),
        ])
    }
}
