import Casework
import Vault

/// The department's case actions by name — the one dispatch behind both the console's forms and
/// the API's JSON, so that an action means the same thing whichever way it arrives.
public struct CaseActionInput: Sendable {
    public var text: String?
    public var category: String?
    public var outcome: String?
    /// The inspector to designate, or the account to re-grant.
    public var account: Int64?
    public var requestID: Int64?
    public var grant = false
    public var amount: String?
    public var loss: String?
    public var prior: [(kind: String, day: String)] = []
    public var sameMatter: [String] = []
    public var on = false
    /// A refusal's standard wording for the reporter (`RefusalWording`), and an optional addition
    /// that reaches the reporter only with `additionForReporter` set; `text` is the internal reason.
    public var wording: String?
    public var addition: String?
    public var additionForReporter = false
    /// A prior-knowledge record: its kind, where the knowledge came from (`text` says what), and
    /// an earlier case's register number as its source.
    public var kind: String?
    public var source: String?
    public var sourceCase: String?
    /// What the reporter presents when claiming a reward: the tracking code and the claim reference.
    public var code: String?
    public var claimRef: String?
    /// A message to the reporter that is feedback on the handling (art. 9), not a routine note.
    public var feedback = false

    public init() {}
}

/// A field missing or malformed: the caller says it in the page's language (`key` is a text
/// catalog key) and, for the API, names the field.
public struct CaseActionInputError: Error {
    public let field: String
    public let key: String?
    public let detail: String

    init(_ field: String, key: String? = nil, detail: String = "") {
        self.field = field
        self.key = key
        self.detail = detail
    }
}

public enum CaseActionDesk {
    /// Every named action and the access it needs; `identity-show` reads rather than acts and is
    /// the console's alone.
    public static let actions: [String: CaseAction] = [
        "register": .register, "not-actionable": .markNotActionable, "propose": .propose, "approve": .decideApproval,
        "refuse": .decideApproval, "designate": .designate, "regrant": .designate, "note": .addNote, "interview": .addNote,
        "message": .messageReporter, "suspend": .suspend, "resume": .resume, "report": .fileReport,
        "submit": .submitToLeaders, "conclude": .conclude, "sanction": .recordSanction, "close": .conclude,
        "recuse": .declareRecusal, "identity-request": .requestIdentity, "identity-decide": .decideIdentityRequest,
        "reward-assess": .assessReward, "reward-propose": .proposeReward, "reward-approve": .approveReward,
        "reward-paid": .recordPayment, "legal-hold": .setLegalHold, "prior-knowledge": .recordPriorKnowledge,
        "exclude": .excludeFromCase, "withdraw": .excludeFromCase,
    ]

    /// Performs `name` on a case opened for it. Throws `CaseActionInputError` for the input,
    /// `Ledger.ActionRefused` for the rules. `gate` is the reporter lookup's gate, which the
    /// payment check derives behind; without it a payment is refused.
    public static func perform(_ name: String, on c: StaffCase, input: CaseActionInput, key: StaffPrivateKey, ledger: Ledger,
                               gate: LookupGateHandle? = nil) throws {
        let text = input.text ?? ""
        guard text.unicodeScalars.count <= ReportDraft.Limits.narrative else { throw CaseActionInputError("text", key: "reply_too_long") }
        func required() throws -> String {
            guard !text.allSatisfy(\.isWhitespace) else { throw CaseActionInputError("text", key: "text_required") }
            return text
        }
        switch name {
        case "register": try ledger.register(c, category: input.category, message: input.text)
        case "not-actionable": try ledger.markNotActionable(c, message: text)
        case "propose": try ledger.propose(c, summary: text)
        case "approve": try ledger.decideApproval(c, approve: true)
        case "refuse": try ledger.decideApproval(c, approve: false, refusal: try refusal(input))
        case "designate", "regrant":
            guard let id = input.account else { throw CaseActionInputError(name == "designate" ? "inspector" : "account", key: "choose_inspector") }
            if name == "designate" { try ledger.designate(c, inspectorID: id) } else { try ledger.regrant(c, to: id, headKey: key) }
        case "note", "interview": try ledger.addNote(c, kind: name == "note" ? .note : .interview, text: try required())
        case "message": try ledger.messageReporter(c, text: try required(), feedback: input.feedback)
        case "suspend": try ledger.suspend(c, message: text)
        case "resume": try ledger.resume(c)
        case "report": try ledger.fileReport(c, text: try required())
        case "submit": try ledger.submitToLeaders(c)
        case "conclude":
            guard let outcome = input.outcome.flatMap(Outcome.init(rawValue:)) else { throw CaseActionInputError("outcome", key: "choose_outcome") }
            try ledger.conclude(c, outcome: outcome, message: input.text)
        case "sanction": try ledger.recordSanction(c, text: try required())
        case "close": try ledger.closeCase(c)
        case "recuse": try ledger.recuse(c, reason: text)
        case "exclude", "withdraw":
            guard let id = input.account else { throw CaseActionInputError("account", key: "choose_account") }
            if name == "exclude" { try ledger.exclude(c, accountID: id, reason: try required()) }
            else { try ledger.withdrawDesignation(c, accountID: id, reason: try required()) }
        case "identity-request": try ledger.requestIdentity(c, reason: text)
        case "identity-decide":
            guard let id = input.requestID else { throw CaseActionInputError("request", detail: "Name the identity request.") }
            try ledger.decideIdentityRequest(c, requestID: id, grant: input.grant, headKey: key)
        case "reward-assess", "prior-knowledge", "reward-propose", "reward-approve", "reward-paid":
            try reward(name, on: c, input: input, ledger: ledger, gate: gate)
        case "legal-hold": try ledger.setLegalHold(c, on: input.on)
        default: throw CaseActionInputError("action", detail: "No such action.")
        }
    }

    /// The refusal the input describes: a known wording, an internal reason (`text`), and an
    /// addition only if confirmed for the reporter.
    static func refusal(_ input: CaseActionInput) throws -> Refusal {
        guard let wording = input.wording.flatMap(RefusalWording.init(rawValue:)) else {
            throw CaseActionInputError("wording", key: "refusal_wording_required")
        }
        do {
            return try Refusal(wording: wording, internalReason: input.text ?? "", addition: input.addition,
                               additionForReporter: input.additionForReporter)
        } catch {
            throw CaseActionInputError(input.text.map { $0.allSatisfy(\.isWhitespace) } ?? true ? "text" : "addition", detail: error.message)
        }
    }

    /// Arts. 13–14: the reward's actions and the prior-knowledge records they follow from.
    static func reward(_ name: String, on c: StaffCase, input: CaseActionInput, ledger: Ledger, gate: LookupGateHandle?) throws {
        let text = input.text ?? ""
        switch name {
        case "reward-assess":
            let loss: Fen
            do { loss = try Fen(parsingYuan: input.loss ?? "") } catch { throw CaseActionInputError("loss", detail: error.description) }
            // Art. 14 follows from the records entered beforehand; a date typed here is refused, not ignored.
            guard input.prior.isEmpty else { throw CaseActionInputError("prior", key: "reward_prior_not_typed") }
            let same = try input.sameMatter.map { word -> RegisterNumber in
                guard let n = RegisterNumber(word) else { throw CaseActionInputError("same_matter", key: "reward_register_invalid", detail: word) }
                return n
            }
            try ledger.assessReward(c, verifiedLoss: loss, sameMatter: same)
        case "prior-knowledge":
            guard let kind = input.kind.flatMap(PriorKnowledge.Kind.init(rawValue:)) else { throw CaseActionInputError("kind", key: "reward_prior_invalid") }
            let source = try input.sourceCase.flatMap { $0.isEmpty ? nil : $0 }.map { word -> RegisterNumber in
                guard let n = RegisterNumber(word) else { throw CaseActionInputError("source_case", key: "reward_register_invalid", detail: word) }
                return n
            }
            guard !text.allSatisfy(\.isWhitespace) else { throw CaseActionInputError("text", key: "text_required") }
            try ledger.recordPriorKnowledge(c, kind: kind, what: text, source: input.source ?? "", sourceCase: source)
        case "reward-propose":
            let amount: Fen
            do { amount = try Fen(parsingYuan: input.amount ?? "") } catch { throw CaseActionInputError("amount", detail: error.description) }
            try ledger.proposeReward(c, amount: amount)
        case "reward-approve": try ledger.approveReward(c)
        case "reward-paid":
            guard let code = input.code, !code.allSatisfy(\.isWhitespace) else { throw CaseActionInputError("code", key: "reward_code_required") }
            guard let gate else { throw Ledger.ActionRefused(description: "A payment is recorded only in the console, against a check of the reporter's code.") }
            try ledger.recordRewardPayment(c, check: .init(code: code, claimRef: input.claimRef), gate: gate)
        default: throw CaseActionInputError("action", detail: "No such action.")
        }
    }
}
