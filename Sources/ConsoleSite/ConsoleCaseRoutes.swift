import Casefile
import Casework
import Foundation
import HTTPCore
import Presentation
import SiteKit

/// The department's work on cases: the inbox, the case page and its actions, files, and the
/// head's registration of reports that came by letter, phone, e-mail or visit. Every case route
/// goes through `Ledger.staffCase` — grant, then policy, then workflow — before anything else.
public struct ConsoleCaseRoutes: Sendable {
    let ledger: Ledger
    let pages: Pages
    let sessions: StaffSessions
    let limits: UploadLimits
    /// The reporter lookup's gate: a reward payment's code check derives behind it.
    let gate: LookupGateHandle

    public init(ledger: Ledger, pages: Pages, sessions: StaffSessions, limits: UploadLimits, gate: LookupGateHandle) {
        self.ledger = ledger
        self.pages = pages
        self.sessions = sessions
        self.limits = limits
        self.gate = gate
    }

    public func register(on group: RouteGroup) {
        group.get("") { try self.inbox($0) }
        group.requiring(.viewDeadlines, ledger: ledger, pages: pages).get("/deadlines") { try self.deadlines($0) }
        group.get("/case/:ref") { try self.casePage($0, error: nil, status: .ok) }
        group.get("/case/:ref/confirm/:action") { try self.confirmPage($0) }
        group.post("/case/:ref/act/:action") { try self.act($0) }
        group.post("/case/:ref/link") { try self.linkSameMatter($0) }
        group.post("/case/:ref/evidence", options: .streaming(maxBodySize: limits.maxRequestBytes)) { try self.addEvidence($0) }
        group.get("/case/:ref/file/:file") { try self.download($0) }
        registerHandOver(on: group)
    }

    // MARK: inbox

    /// What waits for this account's decision, by case ref: an investigation or a reward its seat
    /// has not yet approved, an identity request the head has not decided. The value is the text
    /// key of what is awaited.
    func awaitingMe(_ all: [InboxEntry], accountID: Int64) throws -> [String: String] {
        let refs = all.map(\.ref)
        let rewards = try ledger.rewardStates(accountID: accountID, refs: refs)
        let identity = all.contains { $0.capacities.contains("intake") } ? try ledger.casesWithPendingIdentityRequests(accountID: accountID, refs: refs) : []
        var out: [String: String] = [:]
        for l in all {
            let seats = Seat.allCases.filter { l.capacities.contains($0.rawValue) }
            if l.state == .awaitingApproval && seats.contains(where: { !l.approvals.contains($0) }) {
                out[l.ref] = "awaits_approval"
            } else if let r = rewards[l.ref], r.state == "proposed", seats.contains(where: { !r.approvals.contains($0) }) {
                out[l.ref] = "awaits_reward_approval"
            } else if l.capacities.contains("intake") && identity.contains(l.ref) {
                out[l.ref] = "awaits_identity_decision"
            }
        }
        return out
    }

    /// One row of a case list: the case's marks and its next deadline, classed by urgency.
    func inboxRow(_ l: InboxEntry, awaits: String?, _ request: Request) -> TemplateValue {
        ["ref": .text(l.ref), "register": .text(l.register), "received": .text(l.received.description),
         "category": .text(categoryText(l.category, pages.language(request))), "channel": .text(pages.text("via_\(l.channel)", request)),
         "state": .text(stateText(l.state, l.outcome, request)), "awaits": .text(awaits.map { pages.text($0, request) } ?? ""),
         "next_deadline": l.nextDeadline.map { nextDeadlineValue($0, request) } ?? .text(""),
         "badges": badges(realName: l.realName, confidential: l.confidential, legalHold: l.legalHold, request)]
    }

    /// A deadline as the lists and the case page show it: what, when, how far off, and the CSS
    /// class of its urgency (overdue, due within the "due soon" days, later).
    func nextDeadlineValue(_ d: DeadlineStatus, _ request: Request) -> TemplateValue {
        let days = ledger.today.days(until: d.due)
        let distance = days < 0 ? pages.text("days_overdue", request).replacingOccurrences(of: "{n}", with: String(-days))
            : days == 0 ? pages.text("due_today", request)
            : pages.text("days_left", request).replacingOccurrences(of: "{n}", with: String(days))
        let urgency = d.state == .overdue ? "overdue" : d.state == .dueSoon ? "due-soon" : "later"
        return ["kind": .text(pages.text("deadline_\(d.kind.rawValue)", request)), "due": .text(d.due.description),
                "distance": .text(distance), "urgency": .text(urgency)]
    }

    /// Real name, strict confidentiality (art. 16) and legal hold, as marks beside the case.
    func badges(realName: Bool, confidential: Bool, legalHold: Bool, _ request: Request) -> TemplateValue {
        let marks = [(realName, "real-name", "badge_real_name"), (confidential, "confidential", "badge_confidential"),
                     (legalHold, "legal-hold", "badge_legal_hold")]
        return .list(marks.filter(\.0).map { ["class": .text($0.1), "text": .text(pages.text($0.2, request))] })
    }

    /// What falls due this week (and what is already overdue) across the cases this head holds,
    /// a hundred cases a page, earliest due first, the page in the URL.
    func deadlines(_ request: Request) throws -> Response {
        let staff = try request.signedInStaff()
        let today = ledger.today
        let weekEnd = today.adding(days: 7)
        let page = min(1_000_000, max(1, request.queryValue("page").flatMap(Int.init) ?? 1))
        var items: [(Day, TemplateValue)] = []
        // Only the cases whose stored next due day falls by the week's end are read (issue 16).
        let (due, total) = try ledger.dueCases(accountID: staff.account.id, through: weekEnd, page: page)
        for l in due {
            for d in l.deadlines where d.state == .overdue || (d.metOn == nil && d.due <= weekEnd) {
                items.append((d.due, ["ref": .text(l.ref), "register": .text(l.register), "due": .text(d.due.description),
                              "kind": .text(pages.text("deadline_\(d.kind.rawValue)", request)),
                              "overdue": .bool(d.state == .overdue),
                              "days": .text(String(today.days(until: d.due)))]))
            }
        }
        let pageCount = max(1, (total + Ledger.duePageSize - 1) / Ledger.duePageSize)
        let lang = pages.language(request).rawValue
        return try pages.render("console-deadlines", request, title: pages.text("deadlines_title", request), [
            "staff": ConsoleAuthRoutes.staffValue(staff.account, pages.language(request)), "csrf": .text(staff.session.csrf),
            "today": .text(today.description), "week_end": .text(weekEnd.description),
            "items": .list(items.sorted { $0.0 < $1.0 }.map(\.1)), "total": .text(String(total)),
            "pager": pager(page, of: String(pageCount), hasNext: page < pageCount, request) { "/console/deadlines?lang=\(lang)&page=\($0)" },
        ])
    }

    func takeFlash(_ staff: StaffContext) -> String {
        var text: String?
        sessions.update(staff.id) { text = $0.flash; $0.flash = nil }
        return text ?? ""
    }

    func categoryText(_ id: String, _ language: Language) -> String {
        guard let c = ledger.settings.category(id) else { return id }
        return language == .zh ? c.zh : c.en
    }

    func stateText(_ state: CaseState, _ outcome: Outcome?, _ request: Request) -> String {
        let base = pages.text("state_\(state.rawValue)", request)
        guard let outcome else { return base }
        return base + " · " + pages.text("outcome_\(outcome.rawValue)", request)
    }

    // MARK: the case page

    /// The case for this action, or the `StatusError` that answers the request (`granted(ref:)`).
    func open(_ request: Request, _ action: CaseAction) throws -> StaffCase {
        guard let staff = request.staff, let ref = request.parameters["ref"] else { throw HTTPError(.unauthorized) }
        return try ledger.staffCase(ref: ref, accountID: staff.account.id, key: staff.session.key, action: action).granted(ref: ref)
    }

    func casePage(_ request: Request, error: String?, status: HTTPStatus, identity: ReportDraft.Identity? = nil) throws -> Response {
        let c = try open(request, .view)
        guard let staff = request.staff else { throw HTTPError(.unauthorized) }
        let language = pages.language(request)
        let reading = try ledger.readCase(c, readsNotes: c.permits(.readNotes))
        let (content, accused, readsNotes) = (reading.content, reading.accused, reading.readsNotes)
        let accounts = try ledger.accounts()
        let names = Dictionary(uniqueKeysWithValues: accounts.map { ($0.id, $0.displayName) })
        func author(_ a: String) -> String {
            if a == "reporter" { return pages.text("from_reporter", request) }
            if a.hasPrefix("staff:"), let id = Int64(a.dropFirst(6)) { return names[id] ?? a }
            return a
        }
        func entries(_ k: [BlobKind]) -> TemplateValue {
            .list(reading.pieces(k).map { b in
                ["kind": .text(pages.text("kind_\(b.kind.rawValue)", request)), "author": .text(author(b.author)),
                 "day": .text(b.day.description), "text": .text(b.text), "from_reporter": .bool(b.kind == .messageFromReporter)]
            })
        }
        let files = try ledger.attachments(c).map { f -> TemplateValue in
            ["file": .text(f.file), "name": .text(f.meta.fileName), "size": .text(UploadLimits.sizeText(f.meta.size)),
             "author": .text(author(f.author)), "day": .text(f.day.description), "internal": .bool(f.internalOnly),
             "unclean": .bool(f.meta.metadataStripped != true)]
        }
        var actions: [String: TemplateValue] = [:]
        for a in CaseAction.allCases { actions[a.rawValue] = .bool(c.permits(a)) }
        var context: [String: TemplateValue] = [
            "staff": ConsoleAuthRoutes.staffValue(staff.account, language),
            "csrf": .text(staff.session.csrf), "flash": .text(takeFlash(staff)), "error": .text(error ?? ""),
            "ref": .text(c.ref), "register": .text(c.registerNumber.description), "received": .text(c.receivedOn.description),
            "category": .text(categoryText(c.category, language)), "channel": .text(pages.text("via_\(c.channel)", request)),
            "state": .text(stateText(c.facts.state, c.facts.outcome, request)),
            "approvals": .text(c.facts.approvals.map { pages.text("seat_\($0.rawValue)", request) }.sorted().joined(separator: language == .zh ? "、" : ", ")),
            "real_name": .bool(c.realName), "confidential": .bool(c.confidential),
            "my_part": .text(c.capacities.map { pages.text("capacity_\($0)", request) }.sorted().joined(separator: language == .zh ? "、" : ", ")),
            "report_fields": .list(ReportField.facts.map { f in
                ["label": .text(pages.text(f.label, request)), "text": .text(content?[f] ?? ""), "long": .bool(f.kind == .longText)]
            }),
            "accused": .list(accused.map { p in .text(PersonPart.all.map { p[$0] }.filter { !$0.isEmpty }.joined(separator: " — ")) }),
            "summary": entries([.summary]), "messages": entries([.messageToReporter, .messageFromReporter]),
            "notes": entries([.note, .interview]), "reads_notes": .bool(readsNotes),
            "investigation_report": entries([.investigationReport]), "sanction": entries([.sanction]),
            "refusal_reasons": entries([.refusalReason]),
            "files": .list(files), "can": .object(actions),
            "categories": .list(ledger.settings.categories.map { ["id": .text($0.id), "label": .text(language == .zh ? $0.zh : $0.en),
                                                                   "selected": .bool($0.id == c.category)] }),
            "identity": identity.map { ["name": .text($0.name), "phone": .text($0.phone), "other": .text($0.otherContact)] } ?? .text(""),
            "report_submitted": .bool(c.facts.reportSubmittedToLeaders),
            "concluded": .bool(c.facts.state == .concluded),
            "legal_hold": .bool(c.legalHold),
            "deadlines": try deadlinesValue(c, request),
            "reward": try rewardValue(c, request),
        ]
        context.merge(try guidanceValues(c, request)) { mine, _ in mine }
        context.merge(try peopleValues(c, accounts: accounts, names: names, request)) { mine, _ in mine }
        context.merge(try priorAndRefusalValues(c, request)) { mine, _ in mine }
        context.merge(try exclusionValues(c, accounts: accounts, names: names, request)) { mine, _ in mine }
        for more in [try handOverValues(c, request), try relatedValues(c, staff, request)] { context.merge(more) { mine, _ in mine } }
        return try pages.render("console-case", request, title: c.registerNumber.description, status: status, context)
    }

    /// The top of the case page: what this person can do next, the deadline the case must meet
    /// next, and the case's marks.
    func guidanceValues(_ c: StaffCase, _ request: Request) throws -> [String: TemplateValue] {
        let reward = c.facts.outcome == .substantiated ? try ledger.rewardStates(accountID: c.accountID, refs: [c.ref])[c.ref] : nil
        let pending = c.realName && c.permits(.decideIdentityRequest)
            ? try ledger.casesWithPendingIdentityRequests(accountID: c.accountID, refs: [c.ref]).contains(c.ref) : false
        let step = CaseNextStep.key(c, .init(designatedInspectors: c.facts.designatedInspectors, rewardState: reward?.state,
                                             rewardApprovals: reward?.approvals ?? [], pendingIdentityRequest: pending))
        let next = try ledger.deadlines(of: c).filter { $0.metOn == nil }.min { $0.due < $1.due }
        return ["next_step": .text(pages.text(step, request)),
                "next_deadline": next.map { nextDeadlineValue($0, request) } ?? .text(""),
                "badges": badges(realName: c.realName, confidential: c.confidential, legalHold: c.legalHold, request),
                "can_close": .bool(c.facts.state == .concluded && c.permits(.conclude))]
    }

    /// The case's statutory deadlines, each with its state in the reader's language.
    func deadlinesValue(_ c: StaffCase, _ request: Request) throws -> TemplateValue {
        .list(try ledger.deadlines(of: c).map { d in
            ["kind": .text(pages.text("deadline_\(d.kind.rawValue)", request)), "due": .text(d.due.description),
             "state": .text(pages.text("deadline_state_\(d.state.rawValue)", request)), "overdue": .bool(d.state == .overdue)]
        })
    }

    /// Who else may work on the case: the inspectors to designate, and the requests to read the
    /// reporter's identity.
    func peopleValues(_ c: StaffCase, accounts: [Account], names: [Int64: String], _ request: Request) throws -> [String: TemplateValue] {
        let separator = pages.language(request) == .zh ? "、" : ", "
        // Art. 10: an excluded account is offered in no list (the server would refuse it anyway).
        let excluded = try ledger.excludedAccountIDs(c)
        let inspectors = accounts.filter { ($0.role == .inspector || $0.role == .head) && !$0.disabled && !$0.readingPending && $0.id != c.accountID
            && !excluded.contains($0.id) }
        let designated = try ledger.designatedInspectors(of: c)
        let requests = c.realName && (c.permits(.decideIdentityRequest) || c.permits(.requestIdentity)) ? try ledger.identityRequests(c) : []
        return [
            "inspectors": .list(inspectors.map { ["id": .text(String($0.id)), "name": .text($0.displayName),
                                                  "designated": .bool(designated.contains($0.id))] }),
            "designated": .text(inspectors.filter { designated.contains($0.id) }.map(\.displayName).joined(separator: separator)),
            "identity_requests": .list(requests.map { r in
                ["id": .text(String(r.id)), "who": .text(names[r.accountID] ?? ""), "reason": .text(r.reason),
                 "state": .text(pages.text("request_\(r.state)", request)), "pending": .bool(r.state == "pending")]
            }),
        ]
    }

    /// For the head: who is kept out of the case and why (an ambiguous match said as such), and
    /// whom the head may still exclude or whose designation withdraw.
    func exclusionValues(_ c: StaffCase, accounts: [Account], names: [Int64: String], _ request: Request) throws -> [String: TemplateValue] {
        guard c.permits(.excludeFromCase) else { return [:] }
        let shown = try ledger.exclusionsShown(c)
        let designated = try ledger.designatedInspectors(of: c)
        let out = Set(shown.map(\.accountID))
        let excludable = accounts.filter { a in
            !a.disabled && a.id != c.accountID && !out.contains(a.id) && [.head, .inspector, .approver].contains(a.role)
        }
        return [
            "exclusions": .list(shown.map { e in
                ["name": .text(names[e.accountID] ?? "#\(e.accountID)"), "why": .text(exclusionText(e, request)),
                 "ambiguous": .bool(e.basis == Exclusion.Basis.ambiguous.rawValue)]
            }),
            "excludable": .list(excludable.map { ["id": .text(String($0.id)), "name": .text($0.displayName)] }),
            "withdrawable": .list(accounts.filter { designated.contains($0.id) }.map { ["id": .text(String($0.id)), "name": .text($0.displayName)] }),
            "has_withdrawable": .bool(!designated.isEmpty),
        ]
    }

    /// "surname and title (王部长)", "excluded by the head: <reason>", "recused".
    func exclusionText(_ e: Ledger.ExclusionShown, _ request: Request) -> String {
        if let basis = e.basis {
            return pages.text("excl_basis_\(basis)", request) + (e.named.map { " (\($0))" } ?? "")
        }
        let reason = pages.text("excl_reason_\(e.reason)", request)
        return e.note.map { "\(reason): \($0)" } ?? reason
    }

    /// The reward section. The claim reference is shown only to whoever may record the payment
    /// (the head): to anyone else on the case it would be a bearer string to claim with.
    func rewardValue(_ c: StaffCase, _ request: Request) throws -> TemplateValue {
        guard c.facts.outcome == .substantiated else { return .text("") }
        let record = try ledger.reward(c)
        let band = record?.band
        return ["assessed": .bool(record != nil), "state": .text(record.map { pages.text("reward_state_\($0.state)", request) } ?? ""),
                "loss": .text(record?.verifiedLoss.yuanText ?? ""), "exclusions": .list((record?.exclusions ?? []).map(TemplateValue.text)),
                "band": .text(band.map { "\($0.minimum.yuanText) – \($0.maximum.yuanText)" } ?? ""),
                "amount": .text(record?.amount?.yuanText ?? ""),
                "claim_ref": .text(c.permits(.recordPayment) ? record?.claimRef ?? "" : ""),
                "can_propose": .bool(record?.state == "assessed" || record?.state == "proposed"),
                "can_assess": .bool(record == nil || record?.state == "assessed" || record?.state == "excluded" || record?.state == "proposed"),
                "can_approve": .bool(record?.state == "proposed" && c.seat.map { !(record?.approvals.contains($0) ?? true) } == true),
                "can_pay": .bool(record?.state == "approved")]
    }

    func priorValue(_ p: Ledger.PriorKnowledgeEntry, _ request: Request) -> TemplateValue {
        ["kind": .text(pages.text("prior_\(p.kind.rawValue)", request)), "what": .text(p.what), "source": .text(p.source),
         "source_case": .text(p.sourceCase ?? ""), "entered": .text(p.enteredOn.description), "known_since": .text(p.knownSince.description)]
    }

    /// The prior-knowledge form's kinds, offered wherever the head may enter a record.
    func priorKinds(_ request: Request) -> TemplateValue {
        .list(PriorKnowledge.Kind.allCases.map { ["id": .text($0.rawValue), "label": .text(pages.text("prior_\($0.rawValue)", request))] })
    }

    /// The refusal's standard wordings, and the prior-knowledge form and records (the head's:
    /// each record with the day it was entered beside the day the art. 14 rule counts from).
    func priorAndRefusalValues(_ c: StaffCase, _ request: Request) throws -> [String: TemplateValue] {
        let records = c.permits(.recordPriorKnowledge) ? try ledger.priorKnowledge(c) : []
        return ["prior_kinds": priorKinds(request), "refusal_wordings": refusalWordings(request),
                "prior_records": .list(records.map { priorValue($0, request) })]
    }

    func refusalWordings(_ request: Request) -> TemplateValue {
        .list(RefusalWording.allCases.map { ["id": .text($0.rawValue), "label": .text(pages.language(request) == .zh ? $0.chinese : $0.english)] })
    }

    // MARK: actions

    static let actionMap: [String: CaseAction] = CaseActionDesk.actions.merging(["identity-show": .readIdentity]) { a, _ in a }

    func act(_ request: Request) throws -> Response {
        guard let staff = request.staff, let name = request.parameters["action"], let action = ConsoleCaseRoutes.actionMap[name] else {
            throw HTTPError(.notFound, "No such action.")
        }
        let form = try FormFields.urlencoded(request)
        guard CSRF.matches(form.first("csrf"), staff.session.csrf) else { throw HTTPError(.forbidden, pages.text("stale_form", request)) }
        let c = try open(request, action)
        // An act that cannot be undone is done only from its confirmation page.
        if CaseConfirmation.needed(name, form) && form.first("confirm") != "1" {
            return try confirmPage(request, c, name: name, carried: form)
        }
        let input = ConsoleCaseRoutes.input(form)
        do {
            switch name {
            case "identity-show":
                guard let identity = try ledger.readIdentity(c, key: staff.session.key) else {
                    throw Ledger.ActionRefused(description: pages.text("identity_unavailable", request))
                }
                return try casePage(request, error: nil, status: .ok, identity: identity)
            default:
                try CaseActionDesk.perform(name, on: c, input: input, key: staff.session.key, ledger: ledger, gate: gate)
                if name == "recuse" {
                    sessions.update(staff.id) { $0.flash = pages.text("recused", request) }
                    return Response.redirect(to: "/console?lang=\(pages.language(request).rawValue)")
                }
            }
        } catch let bad as CaseActionInputError {
            let said = [bad.key.map { pages.text($0, request) }, bad.detail.isEmpty ? nil : bad.detail].compactMap { $0 }.joined(separator: " ")
            return try casePage(request, error: said, status: .unprocessableContent)
        } catch let refused as Ledger.ActionRefused {
            return try casePage(request, error: refused.key.map { pages.text($0, request) } ?? refused.description, status: .unprocessableContent)
        }
        let said = try resultText(name, c, input, request)
        sessions.update(staff.id) { $0.flash = said }
        return Response.redirect(to: "/console/case/\(c.ref)?lang=\(pages.language(request).rawValue)")
    }

    /// The case page's form fields as the action desk reads them (three prior-knowledge rows;
    /// same-matter register numbers separated by commas or spaces).
    static func input(_ form: FormFields) -> CaseActionInput {
        var input = CaseActionInput()
        input.text = form.first("text")
        input.category = form.first("category")
        input.outcome = form.first("outcome")
        input.account = Int64(form.first("inspector") ?? form.first("account") ?? "")
        input.requestID = Int64(form.first("request") ?? "")
        input.grant = form.first("grant") == "1"
        input.amount = form.first("amount")
        input.loss = form.first("loss")
        input.on = form.first("on") == "1"
        for i in 0..<3 {
            if let kind = form.first("prior_kind_\(i)"), !kind.isEmpty { input.prior.append((kind, form.first("prior_day_\(i)") ?? "")) }
        }
        input.wording = form.first("wording")
        input.addition = form.first("addition")
        input.additionForReporter = form.first("addition_for_reporter") == "1"
        input.kind = form.first("kind")
        input.source = form.first("source")
        input.sourceCase = form.first("source_case")
        input.code = form.first("code")
        input.claimRef = form.first("claim_ref")
        input.feedback = form.first("feedback") == "1"
        input.sameMatter = (form.first("same_matter") ?? "")
            .split(whereSeparator: { $0 == "," || $0 == " " || $0 == "，" || $0 == "\n" }).map(String.init)
        return input
    }

    func addEvidence(_ request: Request) throws -> Response {
        guard let staff = request.staff else { throw HTTPError(.unauthorized) }
        let c = try open(request, .addNote)
        let staging = ledger.beginStaffEvidence(c)
        var keep = false
        defer { if !keep { staging.discard() } }
        let fields = try FormFields.read(request, staging: staging, store: ledger.files, limits: limits)
        guard CSRF.matches(fields.first("csrf"), staff.session.csrf) else { throw HTTPError(.forbidden, pages.text("stale_form", request)) }
        guard staging.fileCount > 0 else { return try casePage(request, error: pages.text("no_file_chosen", request), status: .unprocessableContent) }
        try ledger.attachStaffEvidence(c, staging: staging)
        keep = true
        sessions.update(staff.id) { $0.flash = pages.text("done_evidence", request) }
        return Response.redirect(to: "/console/case/\(c.ref)?lang=\(pages.language(request).rawValue)")
    }

    func download(_ request: Request) throws -> Response {
        let c = try open(request, .view)
        guard let file = request.parameters["file"], let info = try ledger.attachments(c).first(where: { $0.file == file }) else {
            throw HTTPError(.notFound, pages.text("file_not_found", request))
        }
        let ledger = self.ledger
        // A verification pass first (constant memory, output discarded): a tampered or corrupted
        // file is answered with a page that says so, not with a download cut short.
        do {
            try ledger.checkAttachment(c, file: file)
        } catch {
            return pages.error(request, status: .internalServerError, title: pages.text("file_corrupt_title", request),
                               message: pages.text("file_corrupt", request), back: "/console/case/\(c.ref)")
        }
        var r = Response(status: .ok, headers: ["Content-Type": "application/octet-stream"],
                         body: .stream(length: Int(info.meta.size)) { writer in
                             try ledger.readAttachment(c, file: file) { try writer.write($0) }
                         })
        let ascii = String(info.meta.fileName.unicodeScalars.map { $0.isASCII && $0.value >= 0x20 && $0 != "\"" && $0 != "\\" ? Character($0) : "_" })
        let encoded = info.meta.fileName.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "file"
        r.headers.set("Content-Disposition", "attachment; filename=\"\(ascii)\"; filename*=UTF-8''\(encoded)")
        return r
    }
}
