import Casework
import Foundation
import SQLiteDB
import Vault

/// Arts. 13–14 on a case: the head records the verified loss and any earlier knowledge of the
/// matter, eligibility follows from the recorded dates (`RewardRule`), the head proposes an
/// amount inside the band, both seats approve (company consent), payment is recorded. The
/// reporter sees each decision through a sealed notice on the status page.
extension Ledger {
    /// A case's reward as committed (art. 13–14): verified loss, state, exclusion reasons, amount, the seats
    /// that approved, the claim reference and the day paid, with the band the current settings give the loss.
    public struct RewardRecord: Sendable, Equatable {
        public let verifiedLoss: Fen
        public let state: String
        public let exclusions: [String]
        public let amount: Fen?
        public let approvals: Set<Seat>
        public let claimRef: String?
        public let paidOn: Day?
        public let band: RewardBand?
    }

    /// What the reporter is told about a reward (sealed with the case key).
    struct RewardNotice: Codable, Sendable, Equatable {
        var decision: String          // "excluded", "approved", "paid"
        var amountFen: Int64?
        var claimRef: String?
        var reasons: [Int]            // art. 14 reason numbers; 0 = an earlier report on the matter

        enum CodingKeys: String, CodingKey {
            case decision
            case amountFen = "amount_fen"
            case claimRef = "claim_ref"
            case reasons
        }
    }

    /// The case's reward record as committed now, with the band the current settings give its
    /// verified loss; nil before it is assessed.
    public func reward(_ c: StaffCase) throws -> RewardRecord? {
        let caseID = c.caseID
        guard let row = try pool.read({ db in try db.queryOne("SELECT * FROM rewards WHERE case_id = ?", [.integer(caseID)]) }) else {
            return nil
        }
        // The figures are sealed (issue 14); a reward row without them was tampered with.
        guard let figures = try rewardFigures(c) else { throw ActionRefused(description: "The reward's sealed figures are missing.") }
        return try RewardRecord(row: row, figures: figures, bands: settings.rewardBands)
    }

    /// Records the verified loss and same-matter reports, and decides eligibility from the
    /// prior-knowledge records already entered on the case (`recordPriorKnowledge`, server-dated);
    /// no date is typed here. Re-assessing replaces the earlier assessment until an amount is
    /// approved; same-matter links already sealed in the case are kept and `sameMatter` added.
    @discardableResult
    public func assessReward(_ c: StaffCase, verifiedLoss: Fen, sameMatter: [RegisterNumber]) throws -> RewardEligibility {
        if let existing = try reward(c), existing.state == "approved" || existing.state == "paid" {
            throw ActionRefused(description: "The reward is already approved; it can no longer be reassessed.")
        }
        let caseID = c.caseID
        // The links the head made from the related reports stay: an assessment adds to them and
        // never drops one (it did, so the earliest-report rule missed a linked report).
        var numbers: [RegisterNumber] = []
        for number in try sameMatterLinks(c).compactMap(RegisterNumber.init) + sameMatter where !numbers.contains(number) {
            numbers.append(number)
        }
        let others = try pool.read { [numbers] db -> [(Int64, LinkedReport)] in
            try numbers.map { number in
                guard let row = try db.queryOne("SELECT \(CaseRow.columns()) FROM cases WHERE register_year = ? AND register_seq = ?",
                                                [.integer(Int64(number.year)), .integer(Int64(number.sequence))]).map(CaseRow.init(row:)) else {
                    throw ActionRefused(description: "No report is registered as \(number).")
                }
                guard row.id != caseID else { throw ActionRefused(description: "A report cannot be on the same matter as itself.") }
                return (row.id, LinkedReport(registerNumber: number.description, receivedOn: row.receivedOn,
                                             sequence: row.id))
            }
        }
        let prior = try priorKnowledgeRecords(c)
        let mine = c.caseID  // arrival order is the row id: register numbers are random (issue 13)
        let eligibility = RewardRule.assess(outcome: c.facts.outcome, state: c.facts.state, verifiedLoss: verifiedLoss,
                                            receivedOn: c.receivedOn, sequence: mine, priorKnowledge: prior,
                                            linkedReports: others.map(\.1), bands: settings.rewardBands)
        let state: String
        var reasons: [String] = []
        var notice: RewardNotice?
        switch eligibility {
        case .notAssessable(let why): throw ActionRefused(description: why)
        case .eligible: state = "assessed"
        case .excluded(let list):
            state = "excluded"
            reasons = list.map(Ledger.describe)
            notice = RewardNotice(decision: "excluded", amountFen: nil, claimRef: nil, reasons: list.map { $0.article14Reason ?? 0 })
        }
        let sealedNotice = try notice.map { try sealedBlob(c, .rewardDecision, String(decoding: try JSONBytes.encode($0), as: UTF8.self)) }
        let figures = try sealRewardFigures(c, RewardFigures(verifiedLossFen: verifiedLoss.value, exclusions: reasons, amountFen: nil))
        let links = try sealSameMatter(c, SameMatterLinks(registerNumbers: others.map { $0.1.registerNumber }))
        let (now, today, audit, author) = (clock(), Int64(self.today.ordinal), self.audit, "staff:\(c.accountID)")
        try caseWrite(c) { db in
            // Only the workflow state is in the clear; loss, reasons and links are sealed.
            try db.execute("""
                INSERT INTO rewards(case_id, state) VALUES (?, ?)
                ON CONFLICT(case_id) DO UPDATE SET state = excluded.state, approvals = ''
                """, [.integer(caseID), .text(state)])
            try InternalRecords.replace(db, caseID: caseID, kind: .rewardFigures, blob: figures, author: author, day: today)
            try InternalRecords.replace(db, caseID: caseID, kind: .sameMatter, blob: links, author: author, day: today)
            try db.execute("DELETE FROM blobs WHERE case_id = ? AND kind = 'reward_decision'", [.integer(caseID)])
            if let sealedNotice {
                try Ledger.insertBlob(db, caseID: caseID, kind: .rewardDecision, blob: sealedNotice, author: author, day: today)
            }
            try audit.append(db, actor: author, action: "reward_assess", caseRef: c.ref,
                             detail: "state=\(state) prior_records=\(prior.count)", at: now)
        }
        return eligibility
    }

    static func describe(_ e: RewardExclusion) -> String {
        switch e {
        case .alreadyDiscovered(let d): return "art14(1) discovered \(d)"
        case .alreadyUnderInvestigation(let d): return "art14(2) investigating \(d)"
        case .measuresAlreadyTaken(let d): return "art14(3) measures \(d)"
        case .earlierReport(let n, let d): return "earlier report \(n) \(d)"
        }
    }

    /// The head proposes an amount inside the band; outside it is refused with the band shown.
    public func proposeReward(_ c: StaffCase, amount: Fen) throws {
        guard let record = try reward(c), record.state == "assessed" || record.state == "proposed" else {
            throw ActionRefused(description: "Assess the reward first; an excluded or approved reward takes no new amount.")
        }
        guard let band = record.band else { throw ActionRefused(description: "No reward band covers the verified loss.") }
        do { try RewardRule.checkAmount(amount, in: band) } catch { throw ActionRefused(description: error.description) }
        let figures = try sealRewardFigures(c, RewardFigures(verifiedLossFen: record.verifiedLoss.value, exclusions: record.exclusions,
                                                             amountFen: amount.value))
        let (now, today, audit, notify) = (clock(), Int64(self.today.ordinal), self.audit, notifying)
        try caseWrite(c) { db in
            try db.execute("UPDATE rewards SET state = 'proposed', approvals = '' WHERE case_id = ?", [.integer(c.caseID)])
            try InternalRecords.replace(db, caseID: c.caseID, kind: .rewardFigures, blob: figures, author: "staff:\(c.accountID)", day: today)
            // The amount is sealed in the figures, not written here (issue 14).
            try audit.append(db, actor: "staff:\(c.accountID)", action: "reward_propose", caseRef: c.ref, at: now)
            // A reward waits for both seats' approval.
            if notify { try Outbox.enqueue(db, accounts: try Outbox.seatHolders(db, caseID: c.caseID), at: now) }
        }
    }

    /// Art. 13 "经公司同意": both seats approve; on the second approval the reporter is told,
    /// with a claim reference.
    public func approveReward(_ c: StaffCase) throws {
        guard let seat = c.seat else { throw ActionRefused(description: "You hold no approval seat on this case.") }
        guard let record = try reward(c), record.state == "proposed", let amount = record.amount else {
            throw ActionRefused(description: "There is no proposed reward to approve.")
        }
        guard !record.approvals.contains(seat) else { throw ActionRefused(description: "Your seat has already approved this reward.") }
        let approvals = record.approvals.union([seat])
        let complete = approvals.count == Seat.allCases.count
        let claim = complete ? try Ledger.newClaimRef() : nil
        let notice = try claim.map { ref in
            try sealedBlob(c, .rewardDecision, String(decoding: try JSONBytes.encode(RewardNotice(decision: "approved", amountFen: amount.value, claimRef: ref, reasons: [])), as: UTF8.self))
        }
        let now = clock()
        let today = Int64(self.today.ordinal)
        let audit = self.audit
        try caseWrite(c) { db in
            try db.execute("UPDATE rewards SET approvals = ?, state = ?, claim_ref = ? WHERE case_id = ? AND state = 'proposed'",
                           [.text(approvals.map(\.rawValue).sorted().joined(separator: ",")), .text(complete ? "approved" : "proposed"),
                            claim.map(SQLValue.text) ?? .null, .integer(c.caseID)])
            guard db.changes == 1 else { throw ActionRefused(description: "The reward changed meanwhile; reload.") }
            if let notice {
                try db.execute("DELETE FROM blobs WHERE case_id = ? AND kind = 'reward_decision'", [.integer(c.caseID)])
                try Ledger.insertBlob(db, caseID: c.caseID, kind: .rewardDecision, blob: notice, author: "staff:\(c.accountID)", day: today)
            }
            try audit.append(db, actor: "staff:\(c.accountID)", action: "reward_approve", caseRef: c.ref, detail: "seat=\(seat.rawValue)", at: now)
        }
    }

    /// What the staff member types from what the reporter presents at the claim: the tracking
    /// code, and the claim reference if the reporter shows it too.
    public struct ClaimCheck: Sendable {
        public var code: String
        public var claimRef: String?
        public init(code: String, claimRef: String?) {
            self.code = code
            self.claimRef = claimRef
        }
    }

    /// Marks an approved reward paid, only against a check that the code the reporter presents
    /// belongs to this case: derived with the reporter lookup's KDF behind the same gate, compared
    /// in constant time with this case's lookup id, and the claim reference (if typed) with this
    /// case's. No reporter session is made and the reporter's grant is never opened. A failed check
    /// is audited (`reward_check result=failed`) and refused; a passed one is recorded with the
    /// payment, the reporter's notice and both audit entries in one transaction. Neither the code
    /// nor the claim reference is ever written anywhere.
    public func recordRewardPayment(_ c: StaffCase, check: ClaimCheck, gate: LookupGateHandle) throws {
        guard let record = try reward(c), record.state == "approved" else {
            throw ActionRefused(description: "Only an approved reward can be recorded as paid.")
        }
        let (actor, audit, clock) = ("staff:\(c.accountID)", self.audit, self.clock)
        guard try claimCheckPasses(c, check: check, claimRef: record.claimRef, gate: gate) else {
            _ = try pool.write { db in
                try audit.append(db, actor: actor, action: "reward_check", caseRef: c.ref, detail: "result=failed", at: clock())
            }
            throw ActionRefused(description: "The code does not belong to this case's reward; nothing was recorded as paid.")
        }
        let notice = try sealedBlob(c, .rewardDecision, String(decoding: try JSONBytes.encode(
            RewardNotice(decision: "paid", amountFen: record.amount?.value, claimRef: record.claimRef, reasons: [])), as: UTF8.self))
        let now = clock()
        let today = Int64(self.today.ordinal)
        try caseWrite(c) { db in
            try audit.append(db, actor: actor, action: "reward_check", caseRef: c.ref, detail: "result=passed", at: now)
            try db.execute("""
                UPDATE rewards SET checked_by = ?, checked_at = ?, state = 'paid', paid_day = ? WHERE case_id = ? AND state = 'approved'
                """, [.integer(c.accountID), .integer(now), .integer(today), .integer(c.caseID)])
            guard db.changes == 1 else { throw ActionRefused(description: "The reward changed meanwhile; reload.") }
            try db.execute("DELETE FROM blobs WHERE case_id = ? AND kind = 'reward_decision'", [.integer(c.caseID)])
            try Ledger.insertBlob(db, caseID: c.caseID, kind: .rewardDecision, blob: notice, author: actor, day: today)
            try audit.append(db, actor: actor, action: "reward_paid", caseRef: c.ref, at: now)
        }
    }

    /// True when the presented code derives this case's lookup id and the claim reference, if
    /// typed, is this case's. A mistyped code (check digit) fails without a derivation; a busy
    /// gate is refused as busy, not as a failed check.
    func claimCheckPasses(_ c: StaffCase, check: ClaimCheck, claimRef: String?, gate: LookupGateHandle) throws -> Bool {
        let typedRef = check.claimRef.map { $0.trimmingCharacters(in: .whitespaces).uppercased() }.flatMap { $0.isEmpty ? nil : $0 }
        let refMatches = typedRef.map { typed in claimRef.map { ConstantTime.equals(Array(typed.utf8), Array($0.utf8)) } ?? false } ?? true
        guard let code = try? TrackingCode(parsing: check.code) else { return false }
        let caseID = c.caseID
        let row = try pool.read { db in try db.queryOne("SELECT lookup_id, lookup_params FROM cases WHERE id = ?", [.integer(caseID)]) }
        let stored: [UInt8]? = try row?.reader(table: CaseRow.table).optional("lookup_id")
        // The case's own cost: a code made before the cost was raised still proves the claim.
        let cost = try (row?.reader(table: CaseRow.table).optional("lookup_params", as: String.self)).map { try ScryptParameters(encoded: $0) }
            ?? TrackingKeys.parameters
        let derived: [UInt8]
        do {
            let pepper = keys.pepper
            // Only the lookup id is kept; the reporter's key derived beside it is dropped unused.
            derived = try gate.gate.run { try TrackingKeys.derive(code: code, pepper: pepper, parameters: cost).lookupID }
        } catch is LookupGate.Busy {
            throw ActionRefused(description: "The server is busy checking codes; try again in a moment.")
        }
        guard let stored else { return false }
        return ConstantTime.equals(derived, stored) && refMatches
    }

    /// `JL-XXXX-XXXX`: what the reporter quotes to claim, beside their tracking code.
    static func newClaimRef() throws -> String {
        let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var chars: [Character] = []
        while chars.count < 8 {
            for b in try Random.bytes(16) where b < 224 && chars.count < 8 { chars.append(alphabet[Int(b) % 32]) }
        }
        return "JL-" + String(chars[0..<4]) + "-" + String(chars[4..<8])
    }
}
