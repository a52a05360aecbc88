import Casefile
import Casework
import HTTPCore
import SiteKit

extension ConsoleCaseRoutes {
    /// What an action changed, in the reader's language ("已登记为 JB-2026-000012"), read back from
    /// the case as committed rather than assumed from the request.
    func resultText(_ name: String, _ c: StaffCase, _ input: CaseActionInput, _ request: Request) throws -> String {
        let key = "done_" + name.replacingOccurrences(of: "-", with: "_")
        var text = pages.text(variantKey(key, name, c, input), request)
        let now = try ledger.currentState(of: c)
        let fills: [String: () throws -> String] = [
            "{register}": { c.registerNumber.description },
            "{outcome}": { now.outcome.map { self.pages.text("outcome_\($0)", request) } ?? "" },
            "{name}": { try self.accountName(input.account) },
            "{reward_state}": { try self.ledger.rewardStates(accountID: c.accountID, refs: [c.ref])[c.ref].map { self.pages.text("reward_state_\($0.state)", request) } ?? "" },
            "{amount}": { input.amount ?? "" },
        ]
        for (slot, value) in fills where text.contains(slot) { text = text.replacingOccurrences(of: slot, with: try value()) }
        return text
    }

    /// The key for the outcome that actually happened where one action has several.
    func variantKey(_ key: String, _ name: String, _ c: StaffCase, _ input: CaseActionInput) -> String {
        switch name {
        case "approve":
            // The second approval moves the case to investigation.
            let seats = c.facts.approvals.union(c.seat.map { [$0] } ?? [])
            return seats.count == Seat.allCases.count ? "done_approve_both" : key
        case "message": return input.feedback ? "done_message_feedback" : key
        case "identity-decide": return input.grant ? "done_identity_granted" : "done_identity_denied"
        case "legal-hold": return input.on ? "done_legal_hold_on" : "done_legal_hold_off"
        default: return key
        }
    }

    func accountName(_ id: Int64?) throws -> String {
        guard let id else { return "" }
        return try ledger.accounts().first { $0.id == id }?.displayName ?? ""
    }
}
