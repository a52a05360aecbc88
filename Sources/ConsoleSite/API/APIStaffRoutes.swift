import Casefile
import Casework
import Foundation
import HTTPCore
import SiteKit

/// The department's tools as JSON, under the same access policy as the console: every case
/// route opens the case through `Ledger.staffCase` (grant, then policy, then workflow, each
/// refusal audited) and acts through the same Ledger functions. A case the account does not hold
/// is 404, as in the console; an action its part or the case's state does not allow is 403; an
/// action the Ledger refuses is 422 with the Ledger's message.
public struct APIStaffRoutes: Sendable {
    let ledger: Ledger
    let pages: Pages
    /// The reporter lookup's gate: a reward payment's code check derives behind it.
    let gate: LookupGateHandle

    public init(ledger: Ledger, pages: Pages, gate: LookupGateHandle) {
        self.ledger = ledger
        self.pages = pages
        self.gate = gate
    }

    public func register(on api: APIRouteRecorder) {
        api.on(.get, "/staff/inbox") { try self.inbox($0) }
        api.on(.get, "/staff/cases/:ref") { try self.caseView($0) }
        api.on(.post, "/staff/cases/:ref/actions/:action") { try self.act($0) }
    }

    /// The actions the API offers, by name, and the policy action each is checked as.
    /// The actions `docs/openapi.json` documents (`ActionName`): the console's, less re-grant, legal
    /// hold and the head's exclusions (exclude, withdraw), which stay on the case page, and
    /// identity-show, which is a read.
    static let consoleOnly: Set<String> = ["regrant", "legal-hold", "exclude", "withdraw"]
    static let actions: [String: CaseAction] = CaseActionDesk.actions.filter { !consoleOnly.contains($0.key) }

    func text(_ key: String, _ request: Request) -> String { pages.library.text(key, APIJSON.language(request)) }

    func staff(_ request: Request) throws -> APIStaff {
        guard let staff = request.apiStaff else { throw APIError.unauthorized("Sign in first.") }
        return staff
    }

    static func deadlines(_ list: [DeadlineStatus]) -> JSONValue {
        .array(list.map { ["kind": .string($0.kind.rawValue), "due": .string($0.due.description), "state": .string($0.state.rawValue),
                           "met_on": .optional($0.metOn?.description)] })
    }

    // MARK: inbox

    /// The cases this account holds a grant for (none for an admin or auditor, who never hold one),
    /// newest first, a page of `InboxQuery.pageSize` at a time (`?page=N`): at 100,000 cases the
    /// whole list would be megabytes read in one request.
    func inbox(_ request: Request) throws -> Response {
        let staff = try staff(request)
        let number = min(1_000_000, max(1, request.queryValue("page").flatMap(Int.init) ?? 1))
        let page = try ledger.inboxPage(accountID: staff.account.id, InboxQuery(page: number))
        let cases = page.entries.map { l -> JSONValue in
            ["ref": .string(l.ref), "register_number": .string(l.register), "received_on": .string(l.received.description),
             "category": .string(l.category), "channel": .string(l.channel), "state": .string(l.state.rawValue),
             "outcome": .optional(l.outcome?.rawValue), "capacities": .array(l.capacities.sorted().map(JSONValue.string)),
             "approvals": .array(l.approvals.map(\.rawValue).sorted().map(JSONValue.string)),
             "deadlines": APIStaffRoutes.deadlines(l.deadlines)]
        }
        return APIJSON.response(["account": ["login": .string(staff.account.login), "role": .string(staff.account.role.rawValue)],
                                 "cases": .array(cases), "page": .int(Int64(number)), "total": .int(Int64(page.total.n)),
                                 "next": .optional(page.hasNext ? "/api/v1/staff/inbox?page=\(number + 1)" : nil)])
    }

    // MARK: one case

    func open(_ request: Request, _ action: CaseAction) throws -> StaffCase {
        let staff = try staff(request)
        let ref = request.parameters["ref"] ?? ""
        return try ledger.staffCase(ref: ref, accountID: staff.account.id, key: staff.key, action: action).granted(ref: ref)
    }

    /// What the case page shows this account, and the same audit entry (`case_view`).
    func caseView(_ request: Request) throws -> Response {
        let c = try open(request, .view)
        let reading = try ledger.readCase(c, readsNotes: c.permits(.readNotes))
        let (content, accused, readsNotes) = (reading.content, reading.accused, reading.readsNotes)
        func entries(_ k: [BlobKind]) -> JSONValue {
            .array(reading.pieces(k).map { b in
                ["kind": .string(b.kind.rawValue), "author": .string(b.author), "day": .string(b.day.description), "text": .string(b.text)]
            })
        }
        let files = try ledger.attachments(c).map { f -> JSONValue in
            ["file": .string(f.file), "name": .string(f.meta.fileName), "content_type": .string(f.meta.contentType),
             "size": .int(f.meta.size), "author": .string(f.author), "day": .string(f.day.description),
             "internal": .bool(f.internalOnly), "metadata_stripped": f.meta.metadataStripped.map(JSONValue.bool) ?? .null]
        }
        let requests = c.realName && (c.permits(.decideIdentityRequest) || c.permits(.requestIdentity)) ? try ledger.identityRequests(c) : []
        let allowed = APIStaffRoutes.actions.filter { c.permits($0.value) }.map(\.key).sorted()
        return APIJSON.response([
            "ref": .string(c.ref), "register_number": .string(c.registerNumber.description),
            "received_on": .string(c.receivedOn.description), "category": .string(c.category), "channel": .string(c.channel),
            "state": .string(c.facts.state.rawValue), "outcome": .optional(c.facts.outcome?.rawValue),
            "approvals": .array(c.facts.approvals.map(\.rawValue).sorted().map(JSONValue.string)),
            "capacities": .array(c.capacities.sorted().map(JSONValue.string)),
            "real_name": .bool(c.realName), "confidential": .bool(c.confidential),
            "report": content.map { r in .object(Dictionary(uniqueKeysWithValues: ReportField.facts.map { ($0.name, .string(r[$0])) })) } ?? .null,
            "accused": .array(accused.map { p in .object(Dictionary(uniqueKeysWithValues: PersonPart.all.map { ($0.key, .string(p[$0])) })) }),
            "summary": entries([.summary]), "messages": entries([.messageToReporter, .messageFromReporter]),
            "notes": readsNotes ? entries([.note, .interview]) : .null,
            "investigation_report": entries([.investigationReport]), "sanction": entries([.sanction]),
            "refusal_reasons": entries([.refusalReason]),
            "files": .array(files),
            "identity_requests": .array(requests.map { ["id": .int($0.id), "account_id": .int($0.accountID), "state": .string($0.state), "reason": .string($0.reason)] }),
            "deadlines": APIStaffRoutes.deadlines(try ledger.deadlines(of: c)),
            "reward": try rewardValue(c),
            "allowed_actions": .array(allowed.map(JSONValue.string)),
        ])
    }

    func rewardValue(_ c: StaffCase) throws -> JSONValue {
        guard c.facts.outcome == .substantiated, let r = try ledger.reward(c) else { return .null }
        return ["state": .string(r.state), "verified_loss_fen": .int(r.verifiedLoss.value), "exclusions": .array(r.exclusions.map(JSONValue.string)),
                "amount_fen": r.amount.map { .int($0.value) } ?? .null, "approvals": .array(r.approvals.map(\.rawValue).sorted().map(JSONValue.string)),
                "claim_ref": .optional(c.permits(.recordPayment) ? r.claimRef : nil), "paid_on": .optional(r.paidOn?.description),
                "band": r.band.map { ["minimum_fen": .int($0.minimum.value), "maximum_fen": .int($0.maximum.value)] } ?? .null]
    }

    // MARK: actions

    /// Every field any action takes; each action reads the ones it needs.
    struct ActionBody: Decodable {
        struct Prior: Decodable {
            var kind: String
            var day: String
        }
        var text: String?
        var category: String?
        var outcome: String?
        var inspector: Int64?
        var request: Int64?
        var grant: Bool?
        var amount: String?
        var loss: String?
        var prior: [Prior]?
        var same_matter: [String]?
        var wording: String?
        var addition: String?
        var addition_for_reporter: Bool?
        var kind: String?
        var source: String?
        var source_case: String?
        var code: String?
        var claim_ref: String?
        var feedback: Bool?
    }

    func act(_ request: Request) throws -> Response {
        _ = try staff(request)
        guard let name = request.parameters["action"], let action = APIStaffRoutes.actions[name] else {
            throw APIError(.notFound, "No such action.")
        }
        // Every field is optional, so an action that needs none may come without a body.
        let body = try request.bodyBytes().isEmpty && request.headers["Content-Type"] == nil
            ? ActionBody() : APIJSON.decode(ActionBody.self, request)
        let c = try open(request, action)
        var input = CaseActionInput()
        input.text = body.text
        input.category = body.category
        input.outcome = body.outcome
        input.account = body.inspector
        input.requestID = body.request
        input.grant = body.grant == true
        input.amount = body.amount
        input.loss = body.loss
        input.prior = (body.prior ?? []).map { ($0.kind, $0.day) }
        input.sameMatter = body.same_matter ?? []
        input.wording = body.wording
        input.addition = body.addition
        input.additionForReporter = body.addition_for_reporter == true
        input.kind = body.kind
        input.source = body.source
        input.sourceCase = body.source_case
        input.code = body.code
        input.claimRef = body.claim_ref
        input.feedback = body.feedback == true
        do {
            try CaseActionDesk.perform(name, on: c, input: input, key: try staff(request).key, ledger: ledger, gate: gate)
        } catch let bad as CaseActionInputError {
            let message = [bad.key.map { self.text($0, request) }, bad.detail.isEmpty ? nil : bad.detail].compactMap { $0 }.joined(separator: " ")
            throw APIError(.unprocessableContent, message, fields: [.init(field: bad.field, message: message)])
        } catch let refused as Ledger.ActionRefused {
            throw APIError(.unprocessableContent, refused.description)
        }
        let now = try ledger.currentState(of: c)
        return APIJSON.response(["ref": .string(c.ref), "action": .string(name), "state": .optional(now.state),
                                 "outcome": .optional(now.outcome)])
    }
}
