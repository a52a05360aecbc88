import Casefile
import Casework
import Foundation
import HTTPCore
import Presentation
import SiteKit

/// `/console/admin/mail`: the outbox as the administrator sees it — who (by login), which kind,
/// its state, attempts, the last error and the times. There is nothing of any case to show: the
/// outbox holds none. Anyone else gets the same 404 as for a page that does not exist.
public struct ConsoleMailRoutes: Sendable {
    let ledger: Ledger
    let pages: Pages

    public init(ledger: Ledger, pages: Pages) {
        self.ledger = ledger
        self.pages = pages
    }

    public func register(on group: RouteGroup) {
        group.requiring(.manageAccounts, ledger: ledger, pages: pages).get("/admin/mail") { try self.outbox($0) }
    }

    func outbox(_ request: Request) throws -> Response {
        let staff = try request.signedInStaff()
        let offset = ledger.settings.utcOffsetMinutes * 60
        func time(_ t: Int64?) -> String { t.map { ConsoleMailRoutes.localTime($0, offsetSeconds: offset) } ?? "—" }
        let rows: [TemplateValue] = try ledger.outboxEntries().map { e in
            ["login": .text(e.login), "kind": .text(pages.text("mail_kind_\(e.kind)", request)),
             "state": .text(pages.text("mail_state_\(e.state)", request)), "failed": .bool(e.state == "failed"),
             "attempts": .text(String(e.attempts)), "error": .text(e.lastError ?? ""),
             "created": .text(time(e.createdAt)), "last_attempt": .text(time(e.lastAttemptAt)),
             "sent": .text(time(e.sentAt)), "next": .text(e.state == "queued" ? time(e.nextAttemptAt) : "—")]
        }
        let n = ledger.settings.notifications
        return try pages.render("console-admin-mail", request, title: pages.text("mail_title", request), [
            "staff": ConsoleAuthRoutes.staffValue(staff.account, pages.language(request)),
            "csrf": .text(staff.session.csrf),
            "transport": .text(n.transport.rawValue),
            "disabled": .bool(!n.enabled),
            "rows": .list(rows),
        ])
    }

    /// `2026-11-29 12:07` in the organisation's zone.
    static func localTime(_ unix: Int64, offsetSeconds: Int) -> String {
        let day = Day(unixTime: unix, offsetSeconds: offsetSeconds)
        let seconds = ((unix + Int64(offsetSeconds)) % 86400 + 86400) % 86400
        return day.description + " " + String(format: "%02d:%02d", Int(seconds / 3600), Int(seconds % 3600 / 60))
    }
}
