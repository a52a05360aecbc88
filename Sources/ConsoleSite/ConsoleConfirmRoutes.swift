import Casefile
import Casework
import Foundation
import HTTPCore
import Presentation
import SiteKit

/// Issue 13, the two-person rule: the changes of who may read that await a second person, for a
/// head or a seat holder to confirm or reject. The ledger refuses the one who asked, the
/// account concerned, and any account whose own access is not in force; this page only shows
/// what it may decide.
extension ConsoleAdminRoutes {
    func registerConfirmations(on group: RouteGroup) {
        let readers = group.requiring(.confirmReaderChanges, ledger: ledger, pages: pages)
        readers.get("/confirmations") { try self.confirmationsPage($0, error: nil, status: .ok) }
        readers.post("/confirmations/confirm") { try self.decide($0, confirm: true) }
        readers.post("/confirmations/reject") { try self.decide($0, confirm: false) }
    }

    func confirmationsPage(_ request: Request, error: String?, status: HTTPStatus) throws -> Response {
        let staff = try request.signedInStaff()
        let language = pages.language(request)
        let accounts = Dictionary(uniqueKeysWithValues: try ledger.accounts().map { ($0.id, $0) })
        let me = accounts[staff.account.id] ?? staff.account
        let rows = try ledger.pendingReaderChanges().map { change -> TemplateValue in
            let account = change.accountID.flatMap { accounts[$0] }
            return ["id": .text(String(change.id)), "kind": .text(pages.text("confirm_kind_\(change.kind.rawValue)", request)),
                    "login": .text(account?.login ?? ""), "name": .text(account?.displayName ?? ""),
                    "role": .text(account.map { RoleText.text($0.role, seat: $0.seat, language) } ?? ""),
                    "alternates": .text(change.alternates.map(Self.alternatesText) ?? ""),
                    "requested_by": .text(Self.requesterText(change.requestedBy, accounts)),
                    "may_decide": .bool(Ledger.decisionRefusal(change, by: me) == nil)]
        }
        return try pages.render("console-confirmations", request, title: pages.text("confirm_title", request), status: status, [
            "staff": ConsoleAuthRoutes.staffValue(staff.account, language),
            "csrf": .text(staff.session.csrf), "flash": .text(takeFlash(staff)), "error": .text(error ?? ""),
            "changes": .list(rows), "none": .bool(rows.isEmpty),
        ])
    }

    static func alternatesText(_ a: Alternates) -> String {
        "intake=\(a.intake ?? "-") chairman=\(a.chairman ?? "-") party_secretary=\(a.partySecretary ?? "-")"
    }

    static func requesterText(_ actor: String, _ accounts: [Int64: Account]) -> String {
        guard actor.hasPrefix("staff:"), let id = Int64(actor.dropFirst(6)), let a = accounts[id] else { return actor }
        return a.login
    }

    func decide(_ request: Request, confirm: Bool) throws -> Response {
        let (staff, form) = try postedForm(request)
        guard let id = Int64(form.first("change") ?? "") else { throw HTTPError(.badRequest) }
        do {
            if confirm {
                try ledger.confirmReaderChange(id, by: staff.account.id, settingsFile: settingsFile)
            } else {
                try ledger.rejectReaderChange(id, by: staff.account.id)
            }
        } catch let refused as Ledger.ActionRefused {
            return try confirmationsPage(request, error: refused.description, status: .forbidden)
        } catch let refused as Ledger.AlternatesRefused {
            return try confirmationsPage(request, error: refused.description, status: .unprocessableContent)
        }
        return back(request, staff, to: "/console/confirmations",
                    flash: pages.text(confirm ? "confirm_done" : "confirm_rejected", request))
    }
}
