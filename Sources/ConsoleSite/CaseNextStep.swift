import Casefile
import Casework

/// The one line at the top of a case page that tells this person what they can do next on the
/// case (`next_*` text keys). Decided from what the page would offer them — the same `permits`
/// answer that shows the forms — so the line never names an action the page does not hold.
enum CaseNextStep {
    /// What the line needs beyond the case itself.
    struct Context {
        var designatedInspectors = 0
        /// The reward's state ("assessed", "proposed", …), nil when none is assessed.
        var rewardState: String?
        var rewardApprovals: Set<Seat> = []
        var pendingIdentityRequest = false
    }

    static func key(_ c: StaffCase, _ x: Context) -> String {
        if x.pendingIdentityRequest && c.permits(.decideIdentityRequest) { return "next_identity_decide" }
        if let step = caseStep(c, x) { return step }
        if let step = rewardStep(c, x) { return step }
        return c.facts.state.isClosed ? "next_finished" : "next_nothing"
    }

    /// The step the case's state asks of this person, if any.
    static func caseStep(_ c: StaffCase, _ x: Context) -> String? {
        let f = c.facts
        switch f.state {
        case .submitted: return c.permits(.register) ? "next_register" : nil
        case .registered: return c.permits(.propose) ? "next_propose" : nil
        case .awaitingApproval:
            if c.permits(.decideApproval) { return c.seat.map { f.approvals.contains($0) } == true ? "next_wait_other_seat" : "next_decide" }
            return c.capacities.contains("intake") ? "next_wait_approval" : nil
        case .investigating:
            if c.permits(.designate) && x.designatedInspectors == 0 { return "next_designate" }
            if c.capacities.contains("inspector") && c.permits(.fileReport) { return "next_investigate" }
            return c.capacities.contains("intake") ? "next_wait_report" : nil
        case .suspended: return c.permits(.resume) ? "next_resume" : nil
        case .reported:
            if c.permits(.submitToLeaders) { return "next_submit" }
            return c.permits(.conclude) ? "next_conclude" : nil
        case .concluded:
            if c.permits(.recordSanction) { return "next_sanction" }
            // The reward goes on after closing (art. 13), so closing comes first.
            return c.permits(.conclude) ? "next_close" : nil
        case .notActionable, .refused, .closed: return nil
        }
    }

    /// Arts. 13–14: the reward's next step for this person, if any.
    static func rewardStep(_ c: StaffCase, _ x: Context) -> String? {
        guard c.facts.outcome == .substantiated else { return nil }
        switch x.rewardState {
        case nil: return c.permits(.assessReward) ? "next_reward_assess" : nil
        case "assessed"?: return c.permits(.proposeReward) ? "next_reward_propose" : nil
        case "proposed"?:
            guard c.permits(.approveReward), let seat = c.seat else { return nil }
            return x.rewardApprovals.contains(seat) ? nil : "next_reward_approve"
        case "approved"?: return c.permits(.recordPayment) ? "next_reward_pay" : nil
        default: return nil
        }
    }
}
