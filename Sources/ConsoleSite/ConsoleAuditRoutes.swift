import Casefile
import Casework
import Foundation
import Glibc
import HTTPCore
import Presentation
import SiteKit

/// The auditor's pages (art. 3): the audit log, newest first, and the check of its chain. The
/// entries hold machine words and ids, never report content, so reading them discloses none.
public struct ConsoleAuditRoutes: Sendable {
    let ledger: Ledger
    let pages: Pages
    static let pageSize = 100

    public init(ledger: Ledger, pages: Pages) {
        self.ledger = ledger
        self.pages = pages
    }

    public func register(on group: RouteGroup) {
        group.requiring(.readAuditLog, ledger: ledger, pages: pages).get("/audit") { try self.logPage($0, verification: nil) }
        group.requiring(.verifyAuditLog, ledger: ledger, pages: pages).post("/audit/verify") { try self.verify($0) }
    }

    func logPage(_ request: Request, verification: TemplateValue?) throws -> Response {
        let staff = try request.signedInStaff()
        let before = request.queryValue("before").flatMap(Int64.init)
        let entries = try ledger.auditEntries(limit: ConsoleAuditRoutes.pageSize, before: before)
        let names = Dictionary(uniqueKeysWithValues: try ledger.accounts().map { ($0.id, "\($0.displayName) (\($0.login))") })
        func actor(_ a: String) -> String {
            if a.hasPrefix("staff:"), let id = Int64(a.dropFirst(6)), let name = names[id] { return name }
            return a
        }
        let older = entries.count == ConsoleAuditRoutes.pageSize ? entries.last.map { $0.id } : nil
        return try pages.render("console-audit", request, title: pages.text("audit_log_title", request), [
            "staff": ConsoleAuthRoutes.staffValue(staff.account, pages.language(request)),
            "csrf": .text(staff.session.csrf),
            "entries": .list(entries.map { e in
                ["id": .text(String(e.id)), "at": .text(ConsoleAuditRoutes.utc(e.at)), "actor": .text(actor(e.actor)),
                 "action": .text(e.action), "case_ref": .text(e.caseRef ?? ""), "detail": .text(e.detail)]
            }),
            "older": .text(older.map { "/console/audit?before=\($0)&lang=\(pages.language(request).rawValue)" } ?? ""),
            "paged": .bool(before != nil),
            "verification": verification ?? .text(""),
            // A broken chain is never certified: the page then shows no line to copy.
            "checkpoint": .text((try? ledger.auditCheckpoint().line) ?? ""),
        ])
    }

    /// Verifies the chain, and, when a checkpoint line was pasted, that the log still reaches
    /// it: the chain alone cannot see its newest entries cut off.
    func verify(_ request: Request) throws -> Response {
        let staff = try request.signedInStaff()
        let form = try FormFields.urlencoded(request)
        guard CSRF.matches(form.first("csrf"), staff.session.csrf) else { throw HTTPError(.forbidden, pages.text("stale_form", request)) }
        let pasted = (form.first("checkpoint") ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let detail: String
        let shown: TemplateValue
        if pasted.isEmpty {
            (detail, shown) = try result(try ledger.verifyAudit(), checkpoint: nil, request)
        } else {
            do {
                let checkpoint = try ledger.readAuditCheckpoint(pasted)
                (detail, shown) = try result(try ledger.verifyAudit(against: checkpoint), checkpoint: checkpoint, request)
            } catch let damaged as AuditCheckpoint.Damaged {
                detail = "result=checkpoint_damaged"
                shown = ["intact": .bool(false), "text": .text(pages.text("audit_checkpoint_damaged", request)), "reason": .text(damaged.reason)]
            }
        }
        try ledger.recordStaffEvent(accountID: staff.account.id, action: "audit_verify", detail: detail)
        return try logPage(request, verification: shown)
    }

    func result(_ result: Result<Int, AuditLog.Break>, checkpoint: AuditCheckpoint?, _ request: Request) throws -> (String, TemplateValue) {
        let against = checkpoint.map { " checkpoint=\($0.count)" } ?? ""
        switch result {
        case .success(let count):
            let key = checkpoint == nil ? "audit_intact" : "audit_intact_checkpoint"
            let text = pages.text(key, request).replacingOccurrences(of: "{count}", with: String(count))
                .replacingOccurrences(of: "{entry}", with: String(checkpoint?.count ?? 0))
            return ("result=intact entries=\(count)\(against)", ["intact": .bool(true), "text": .text(text)])
        case .failure(let broken):
            let text: String
            switch broken.kind {
            case .chain:
                text = pages.text("audit_broken", request).replacingOccurrences(of: "{entry}", with: String(broken.entryID))
            case .cutBelow(let counted):
                text = pages.text("audit_cut", request).replacingOccurrences(of: "{entry}", with: String(broken.entryID))
                    .replacingOccurrences(of: "{count}", with: String(counted))
            case .rewritten:
                text = pages.text("audit_rewritten", request).replacingOccurrences(of: "{entry}", with: String(broken.entryID))
            }
            return ("result=broken entry=\(broken.entryID)\(against)", ["intact": .bool(false), "text": .text(text), "reason": .text(broken.reason)])
        }
    }

    /// Times in UTC, whatever the server's zone, so that two auditors read the same entry alike.
    static func utc(_ seconds: Int64) -> String {
        var t = time_t(seconds)
        var parts = tm()
        gmtime_r(&t, &parts)
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d UTC", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
                      Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
    }
}
