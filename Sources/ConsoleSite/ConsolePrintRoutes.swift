import Casefile
import Casework
import Foundation
import HTTPCore
import Presentation
import SiteKit

/// Issue 17: the case on paper, for the leaders who sign on paper (arts. 6–8, 13): the register
/// entry (举报登记表), the approval sheet (呈批表), the investigation report as submitted, the reward
/// approval. No script; `@media print` in print.css. Each sheet carries the register number, the
/// page number, "机密" and who printed it when; each print is audited (`print kind=…`). The
/// reporter's identity is on it only when the person printing may read it and ticks the box.
/// Opened exactly as the case page is (`staffCase`, `.view`).
public struct ConsolePrintRoutes: Sendable {
    let ledger: Ledger
    let pages: Pages

    public init(ledger: Ledger, pages: Pages) {
        self.ledger = ledger
        self.pages = pages
    }

    public func register(on group: RouteGroup) {
        group.get("/case/:ref/print/:kind") { try self.printView($0) }
    }

    func printView(_ request: Request) throws -> Response {
        guard let staff = request.staff, let ref = request.parameters["ref"] else { throw HTTPError(.unauthorized) }
        guard let kind = request.parameters["kind"].flatMap(PrintKind.init(rawValue:)) else { throw HTTPError(.notFound) }
        let c = try ledger.staffCase(ref: ref, accountID: staff.account.id, key: staff.session.key, action: .view).granted(ref: ref)
        let reading = try ledger.readCase(c, readsNotes: false)
        // The identity: only for one who may read it, and only when ticked (GET ?identity=1).
        let mayIncludeIdentity = c.realName && c.permits(.readIdentity)
        let identity = mayIncludeIdentity && request.queryValue("identity") == "1" ? try ledger.readIdentity(c, key: staff.session.key) : nil
        try ledger.recordPrint(c, kind: kind, identityIncluded: identity != nil)
        let language = pages.language(request)
        var context = common(c, reading: reading, staff: staff.account, request)
        context["may_include_identity"] = .bool(mayIncludeIdentity)
        context["identity_ticked"] = .bool(identity != nil)
        context["identity"] = identity.map { ["name": .text($0.name), "phone": .text($0.phone), "other": .text($0.otherContact)] } ?? .text("")
        context["kind"] = .text(kind.rawValue)
        switch kind {
        case .register, .approval: break
        case .report:
            context["submitted"] = .bool(c.facts.reportSubmittedToLeaders)
        case .reward:
            context["reward"] = try rewardValue(c, language)
        }
        return try pages.render("print-\(kind.rawValue)", request, title: pages.text("print_title_\(kind.rawValue)", request) + " " + c.registerNumber.description, context)
    }

    /// What every sheet shows: the case's facts, the report, the pieces the sheets quote.
    func common(_ c: StaffCase, reading: CaseReading, staff: Account, _ request: Request) -> [String: TemplateValue] {
        let language = pages.language(request)
        let separator = language == .zh ? "、" : ", "
        func pieces(_ kinds: [BlobKind]) -> TemplateValue {
            .list(reading.pieces(kinds).map { ["day": .text($0.day.description), "text": .text($0.text)] })
        }
        // Beijing time, as the sheet is read in the office: the day and the minute.
        let now = Int64(Date().timeIntervalSince1970), offset = 8 * 3600
        let minute = Int((now + Int64(offset)) % 86_400) / 60
        let printedAt = Day(unixTime: now, offsetSeconds: offset).description + String(format: " %02d:%02d", minute / 60, minute % 60)
        return [
            "ref": .text(c.ref), "register": .text(c.registerNumber.description), "received": .text(c.receivedOn.description),
            "category": .text(ledger.settings.category(c.category).map { language == .zh ? $0.zh : $0.en } ?? c.category),
            "channel": .text(pages.text("via_\(c.channel)", request)),
            "real_name": .bool(c.realName), "confidential": .bool(c.confidential),
            "approved_by": .text(c.facts.approvals.map { pages.text("seat_\($0.rawValue)", request) }.sorted().joined(separator: separator)),
            "chairman_approved": .bool(c.facts.approvals.contains(.chairman)),
            "secretary_approved": .bool(c.facts.approvals.contains(.partySecretary)),
            "report_fields": .list(ReportField.facts.map { f in
                ["label": .text(pages.text(f.label, request)), "text": .text(reading.content?[f] ?? "")]
            }),
            "accused": .list(reading.accused.map { p in .text(PersonPart.all.map { p[$0] }.filter { !$0.isEmpty }.joined(separator: " — ")) }),
            "summary": pieces([.summary]), "investigation_report": pieces([.investigationReport]), "sanction": pieces([.sanction]),
            "printed_by": .text("\(staff.displayName)（\(staff.login)）"), "printed_at": .text(printedAt),
        ]
    }

    func rewardValue(_ c: StaffCase, _ language: Language) throws -> TemplateValue {
        guard c.facts.outcome == .substantiated, let record = try ledger.reward(c) else { return .text("") }
        return ["loss": .text(record.verifiedLoss.yuanText), "amount": .text(record.amount?.yuanText ?? ""),
                "band": .text(record.band.map { "\($0.minimum.yuanText) – \($0.maximum.yuanText)" } ?? ""),
                "exclusions": .list(record.exclusions.map(TemplateValue.text)),
                "chairman_approved": .bool(record.approvals.contains(.chairman)),
                "secretary_approved": .bool(record.approvals.contains(.partySecretary))]
    }
}
