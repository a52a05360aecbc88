import Casework
import Foundation
import SQLiteDB
import Vault

/// The department's actions on a case (arts. 6–12). Each takes a `StaffCase` that
/// `Ledger.staffCase` granted for that very action, performs the workflow transition, seals what
/// it carries, and writes the audit entry in the same transaction.
extension Ledger {
    /// A case action refused, with nothing written but, where the refusal matters, its audit entry; the
    /// description is for the staff member who asked and names no reporter.
    public struct ActionRefused: Error, CustomStringConvertible, Sendable {
        public let description: String
        /// A text catalog key saying the same in the reader's language, where there is one; the
        /// console shows that, the API the description.
        public let key: String?
        public init(description: String, key: String? = nil) {
            self.description = description
            self.key = key
        }
    }

    func caseRow(_ db: Database, _ caseID: Int64) throws -> Row {
        guard let row = try db.queryOne("SELECT * FROM cases WHERE id = ?", [.integer(caseID)]) else {
            throw ActionRefused(description: "this case no longer exists")
        }
        return row
    }

    /// Runs a workflow transition and its side effects atomically. `extra` seals and stores what
    /// the transition carries; the state column is compared-and-set, so two heads acting at once
    /// cannot both move the case.
    func transition(_ c: StaffCase, _ t: Transition, input: TransitionInput,
                    extra: (@Sendable (Database, Int64) throws -> Void)? = nil) throws {
        let next: CaseFacts
        do { next = try Workflow.apply(t, to: c.facts, input: input) } catch { throw ActionRefused(description: error.message) }
        let now = clock()
        let today = Int64(self.today.ordinal)
        let audit = self.audit
        let (caseID, ref, account, from) = (c.caseID, c.ref, c.accountID, c.facts.state.rawValue)
        let approvals = next.approvals.map(\.rawValue).sorted().joined(separator: ",")
        let state = next.state.rawValue
        let outcome = next.outcome?.rawValue
        let closes = next.state.isClosed
        try caseWrite(c) { db in
            try db.execute("UPDATE cases SET state = ?, approvals = ?, outcome = ?, closed_day = CASE WHEN ? THEN ? ELSE closed_day END WHERE id = ? AND state = ?",
                           [.text(state), .text(approvals), outcome.map(SQLValue.text) ?? .null, .integer(closes ? 1 : 0),
                            .integer(today), .integer(caseID), .text(from)])
            guard db.changes == 1 else { throw ActionRefused(description: "The case changed meanwhile; reload and try again.") }
            try extra?(db, today)
            try audit.append(db, actor: "staff:\(account)", action: t.rawValue, caseRef: ref, detail: "from=\(from) to=\(state)", at: now)
        }
    }

    func sealedBlob(_ c: StaffCase, _ kind: BlobKind, _ text: String) throws -> (slot: String, sealed: [UInt8]) {
        try sealedBlob(c, kind, Array(text.utf8))
    }

    static func insertBlob(_ db: Database, caseID: Int64, kind: BlobKind, blob: (slot: String, sealed: [UInt8]), author: String, day: Int64) throws {
        try db.execute("INSERT INTO blobs(case_id, kind, slot, author, day, sealed) VALUES (?, ?, ?, ?, ?, ?)",
                       [.integer(caseID), .text(kind.rawValue), .text(blob.slot), .text(author), .integer(day), .blob(blob.sealed)])
    }

    /// 登记 (art. 6): registered; optionally tells the reporter, which meets the acceptance notice
    /// but not art. 9's feedback (a "received and registered" note says nothing of the handling).
    public func register(_ c: StaffCase, category: String?, message: String?) throws {
        if let category, ledgerCategory(category) == nil { throw ActionRefused(description: "Unknown category.") }
        let note = try message.flatMap { $0.allSatisfy(\.isWhitespace) ? nil : try sealedBlob(c, .messageToReporter, $0) }
        let author = "staff:\(c.accountID)"
        try transition(c, .register, input: .init()) { db, today in
            try db.execute("UPDATE cases SET registered_day = ?, category = coalesce(?, category) WHERE id = ?",
                           [.integer(today), category.map(SQLValue.text) ?? .null, .integer(c.caseID)])
            if let note {
                try Ledger.insertBlob(db, caseID: c.caseID, kind: .messageToReporter, blob: note, author: author, day: today)
                try db.execute("UPDATE cases SET acceptance_notice_day = coalesce(acceptance_notice_day, ?) WHERE id = ?",
                               [.integer(today), .integer(c.caseID)])
            }
        }
    }

    func ledgerCategory(_ id: String) -> Settings.Category? { settings.category(id) }

    /// 不予受理 (art. 9): closed with the reason told to the reporter.
    public func markNotActionable(_ c: StaffCase, message: String) throws {
        let note = try sealedBlob(c, .messageToReporter, message)
        let author = "staff:\(c.accountID)"
        try transition(c, .markNotActionable, input: .init(messageToReporter: message)) { db, today in
            try Ledger.insertBlob(db, caseID: c.caseID, kind: .messageToReporter, blob: note, author: author, day: today)
            try db.execute("UPDATE cases SET acceptance_notice_day = coalesce(acceptance_notice_day, ?), feedback_day = coalesce(feedback_day, ?) WHERE id = ?",
                           [.integer(today), .integer(today), .integer(c.caseID)])
        }
    }

    /// The exclusions sealed in the case: who may never hold it (art. 10).
    func exclusions(_ c: StaffCase) throws -> [ExclusionRecord] {
        guard let blob = try staffRead(c, kinds: [.exclusions]).last else { return [] }
        return try JSONBytes.decode([ExclusionRecord].self, Array(blob.text.utf8))
    }

    /// Who sits in each seat on this case: the holder, or the alternate where the holder is
    /// excluded, and never one account in both seats (it would give art. 7's two approvals
    /// alone). `keep` names seats already filled that stay as they are.
    func seating(excluded: Set<Int64>, keep: [Seat: Int64] = [:]) throws -> [(Seat, Account)] {
        let roster = try pool.read { db in try self.roster(db) }
        let logins = Dictionary(uniqueKeysWithValues: roster.map { ($0.id, $0.login) })
        var taken = keep
        for seat in Seat.allCases where taken[seat] == nil {
            let other = Seat.allCases.filter { $0 != seat }.compactMap { taken[$0] }.first
            do {
                taken[seat] = try SeatAssignment.holder(of: seat, roster: roster.map(\.rosterEntry), excluded: excluded,
                                                       alternates: settings.alternates, loginOf: { logins[$0] }, otherSeat: other)
            } catch {
                throw ActionRefused(description: error.description, key: "seat_unfilled_\(seat.rawValue)")
            }
        }
        return try Seat.allCases.compactMap { seat in
            guard let id = taken[seat], keep[seat] == nil else { return nil }
            guard let account = roster.first(where: { $0.id == id }) else { throw ActionRefused(description: "this account no longer exists") }
            return (seat, account)
        }
    }

    /// 报批 (art. 7): the summary goes to both seats; the case key is sealed for whoever sits in
    /// each seat on this case (the holder, or the alternate where the holder is excluded). The
    /// audit entry names the seat, not the account: the same line whoever sits in it, so the log
    /// does not show that a holder was left out.
    public func propose(_ c: StaffCase, summary: String) throws {
        let separation = try self.separation(c)
        // Excluded now, not only at intake: an account created or renamed since is matched too.
        let roster = try pool.read { db in try self.roster(db) }
        let seats = try seating(excluded: separation.excluded(among: roster))
        let grants = try seats.map { seat, account -> (Seat, Int64, [Grants.Sealed]) in
            (seat, account.id, try Grants.seal(c.keys, ref: c.ref, for: account, cleared: try separation.clear(account)))
        }
        let sealedSummary = try sealedBlob(c, .summary, summary)
        let author = "staff:\(c.accountID)"
        let audit = self.audit
        let now = clock()
        let notify = notifying
        try transition(c, .propose, input: .init(summary: summary)) { db, today in
            try Ledger.insertBlob(db, caseID: c.caseID, kind: .summary, blob: sealedSummary, author: author, day: today)
            for (seat, accountID, sealed) in grants {
                try Ledger.seat(db, caseID: c.caseID, ref: c.ref, seat: seat, accountID: accountID, sealed: sealed,
                                actor: author, audit: audit, at: now)
            }
            // An approval waits for each seat holder.
            if notify { try Outbox.enqueue(db, accounts: grants.map(\.1), at: now) }
        }
    }

    static func seat(_ db: Database, caseID: Int64, ref: String, seat: Seat, accountID: Int64, sealed: [Grants.Sealed],
                     actor: String, audit: AuditLog, at now: Int64) throws {
        for grant in sealed { try Grants.store(db, grant, caseID: caseID) }
        try db.execute("INSERT OR IGNORE INTO assignments(case_id, account_id, capacity) VALUES (?, ?, ?)",
                       [.integer(caseID), .integer(accountID), .text(seat.rawValue)])
        try audit.append(db, actor: actor, action: "grant", caseRef: ref, detail: "capacity=\(seat.rawValue)", at: now)
    }

    /// 同意 / 不同意 (art. 7), from the seat this account holds on the case. A refusal stores the
    /// approver's internal reason sealed as `refusalReason` (holders only) and tells the reporter
    /// only the standard wording and any addition the approver confirmed for them (art. 11).
    public func decideApproval(_ c: StaffCase, approve: Bool, refusal: Refusal? = nil) throws {
        guard let seat = c.seat else { throw ActionRefused(description: "You hold no approval seat on this case.", key: "no_seat_on_case") }
        if approve {
            try transition(c, .approve, input: .init(seat: seat))
            return
        }
        guard let refusal else {
            throw ActionRefused(description: "A refusal needs a standard wording for the reporter and an internal reason.")
        }
        let message = refusal.messageToReporter
        let note = try sealedBlob(c, .messageToReporter, message)
        let reason = try sealedBlob(c, .refusalReason, refusal.internalReason)
        let author = "staff:\(c.accountID)"
        try transition(c, .refuse, input: .init(messageToReporter: message, seat: seat, reason: refusal.internalReason)) { db, today in
            try Ledger.insertBlob(db, caseID: c.caseID, kind: .messageToReporter, blob: note, author: author, day: today)
            try Ledger.insertBlob(db, caseID: c.caseID, kind: .refusalReason, blob: reason, author: author, day: today)
        }
    }

    /// 指定调查人员 (art. 7): only after both approvals; never an excluded account.
    public func designate(_ c: StaffCase, inspectorID: Int64) throws {
        guard let account = try account(id: inspectorID), account.role == .inspector || account.role == .head, !account.disabled else {
            throw ActionRefused(description: "Choose an active inspector.")
        }
        let cleared = try clearance(c, for: account, refusal: "designate_refused")
        let sealed = try Grants.seal(c.keys, ref: c.ref, for: account, cleared: cleared)
        let now = clock()
        let audit = self.audit
        try caseWrite(c) { db in
            for grant in sealed { try Grants.store(db, grant, caseID: c.caseID) }
            try db.execute("INSERT OR IGNORE INTO assignments(case_id, account_id, capacity) VALUES (?, ?, 'inspector')",
                           [.integer(c.caseID), .integer(inspectorID)])
            try audit.append(db, actor: "staff:\(c.accountID)", action: "designate", caseRef: c.ref, detail: "account=\(inspectorID)", at: now)
        }
    }

    /// 中止 (art. 9): the reason goes to the reporter.
    public func suspend(_ c: StaffCase, message: String) throws {
        let note = try sealedBlob(c, .messageToReporter, message)
        let author = "staff:\(c.accountID)"
        try transition(c, .suspend, input: .init(messageToReporter: message)) { db, today in
            try Ledger.insertBlob(db, caseID: c.caseID, kind: .messageToReporter, blob: note, author: author, day: today)
        }
    }

    /// Takes a suspended case back to investigation if the workflow allows it; the state is
    /// compared and set, so a case changed since `c` was opened is refused. Audited atomically.
    public func resume(_ c: StaffCase) throws { try transition(c, .resume, input: .init()) }

    /// 调查报告 (art. 8).
    public func fileReport(_ c: StaffCase, text: String) throws {
        let report = try sealedBlob(c, .investigationReport, text)
        let author = "staff:\(c.accountID)"
        try transition(c, .fileReport, input: .init()) { db, today in
            try Ledger.insertBlob(db, caseID: c.caseID, kind: .investigationReport, blob: report, author: author, day: today)
        }
    }

    /// 上报 (art. 8): the report goes to the principal leaders — both seats hold the case, so the
    /// submission is the recorded act of giving it to them.
    public func submitToLeaders(_ c: StaffCase) throws {
        let now = clock()
        let today = Int64(self.today.ordinal)
        let audit = self.audit
        try caseWrite(c) { db in
            try db.execute("UPDATE cases SET report_submitted_day = ? WHERE id = ? AND report_submitted_day IS NULL", [.integer(today), .integer(c.caseID)])
            guard db.changes == 1 else { throw ActionRefused(description: "Already submitted.") }
            try audit.append(db, actor: "staff:\(c.accountID)", action: "submit_to_leaders", caseRef: c.ref, at: now)
        }
    }

    /// 查实 / 未查实.
    public func conclude(_ c: StaffCase, outcome: Outcome, message: String?) throws {
        let note = try message.flatMap { $0.allSatisfy(\.isWhitespace) ? nil : try sealedBlob(c, .messageToReporter, $0) }
        let author = "staff:\(c.accountID)"
        try transition(c, .conclude, input: .init(outcome: outcome)) { db, today in
            if let note { try Ledger.insertBlob(db, caseID: c.caseID, kind: .messageToReporter, blob: note, author: author, day: today) }
            try db.execute("UPDATE cases SET feedback_day = coalesce(feedback_day, ?) WHERE id = ?", [.integer(today), .integer(c.caseID)])
        }
    }

    /// 处理 (art. 12): the sanction on the person reported, sealed.
    public func recordSanction(_ c: StaffCase, text: String) throws {
        let sanction = try sealedBlob(c, .sanction, text)
        let now = clock()
        let today = Int64(self.today.ordinal)
        let audit = self.audit
        try caseWrite(c) { db in
            try Ledger.insertBlob(db, caseID: c.caseID, kind: .sanction, blob: sanction, author: "staff:\(c.accountID)", day: today)
            try db.execute("UPDATE cases SET sanction_recorded = 1 WHERE id = ?", [.integer(c.caseID)])
            try audit.append(db, actor: "staff:\(c.accountID)", action: "record_sanction", caseRef: c.ref, at: now)
        }
    }

    /// Closes the case (its retention clock starts) if the workflow allows it; the state is
    /// compared and set, so a case changed since `c` was opened is refused. Audited atomically.
    public func closeCase(_ c: StaffCase) throws { try transition(c, .close, input: .init()) }

    /// 回避: the grant (and any identity grant) is deleted at once, the account joins the sealed
    /// exclusions, and every assignment of it on this case ends. A seat holder's approval still
    /// waiting is void (`Workflow.recusal`) and the seat passes to its next holder, who gets the
    /// case key in the same transaction: a case is never left waiting on an empty seat.
    public func recuse(_ c: StaffCase, reason: String) throws {
        var list = try exclusions(c)
        list.append(ExclusionRecord(accountID: c.accountID, reason: "recused"))
        let passOn = try seatPassingOn(c, excluded: Set(list.map(\.accountID)))
        let sealed = try sealedBlob(c, .exclusions, String(decoding: try JSONBytes.encode(list), as: UTF8.self))
        let why = try sealedBlob(c, .note, "回避 / recusal: " + reason)
        let now = clock()
        let today = Int64(self.today.ordinal)
        let audit = self.audit
        let holder = Holder.account(c.accountID)
        let approvals = c.seat.map { Workflow.recusal(from: $0, facts: c.facts).approvals } ?? c.facts.approvals
        let approvalsText = approvals.map(\.rawValue).sorted().joined(separator: ",")
        let wasText = c.facts.approvals.map(\.rawValue).sorted().joined(separator: ",")
        let notify = notifying
        try caseWrite(c) { db in
            try db.execute("DELETE FROM blobs WHERE case_id = ? AND kind = 'exclusions'", [.integer(c.caseID)])
            try Ledger.insertBlob(db, caseID: c.caseID, kind: .exclusions, blob: sealed, author: "staff:\(c.accountID)", day: today)
            try Ledger.insertBlob(db, caseID: c.caseID, kind: .note, blob: why, author: "staff:\(c.accountID)", day: today)
            try db.execute("DELETE FROM grants WHERE case_id = ? AND holder = ?", [.integer(c.caseID), .text(holder)])
            try db.execute("DELETE FROM identity_grants WHERE case_id = ? AND holder = ?", [.integer(c.caseID), .text(holder)])
            try db.execute("DELETE FROM internal_grants WHERE case_id = ? AND holder = ?", [.integer(c.caseID), .text(holder)])
            try db.execute("DELETE FROM assignments WHERE case_id = ? AND account_id = ?", [.integer(c.caseID), .integer(c.accountID)])
            if approvals != c.facts.approvals {
                // Compared and set: the other seat's approval given meanwhile is not erased.
                try db.execute("UPDATE cases SET approvals = ? WHERE id = ? AND state = 'awaiting_approval' AND approvals = ?",
                               [.text(approvalsText), .integer(c.caseID), .text(wasText)])
                guard db.changes == 1 else { throw ActionRefused(description: "The case changed meanwhile; reload and try again.") }
            }
            try audit.append(db, actor: "staff:\(c.accountID)", action: "recusal", caseRef: c.ref, detail: "grant revoked", at: now)
            if let passOn {
                try Ledger.seat(db, caseID: c.caseID, ref: c.ref, seat: passOn.0, accountID: passOn.1.id, sealed: passOn.2,
                                actor: "staff:\(c.accountID)", audit: audit, at: now)
                if notify { try Outbox.enqueue(db, accounts: [passOn.1.id], at: now) }
            }
        }
    }

    /// The seat a recusing holder leaves and who takes it, with the case key sealed for them;
    /// nil when the account holds no seat, the case is past the leaders' part, or no one may take
    /// the seat. A recusal is never refused for that: keeping someone who must step aside on the
    /// case is worse than a seat that waits for settings to name an alternate.
    private func seatPassingOn(_ c: StaffCase, excluded: Set<Int64>) throws -> (Seat, Account, [Grants.Sealed])? {
        guard let seat = c.seat, !c.facts.state.isClosed, c.facts.state != .concluded else { return nil }
        let sitting = try pool.read { db in
            try db.query("SELECT account_id, capacity FROM assignments WHERE case_id = ? AND capacity IN ('chairman', 'party_secretary')",
                         [.integer(c.caseID)]).map { (try $0.required(Int64.self, "account_id", table: "assignments"),
                                                     Seat(rawValue: try $0.required(String.self, "capacity", table: "assignments"))) }
        }
        var keep: [Seat: Int64] = [:]
        for (id, s) in sitting { if let s, s != seat { keep[s] = id } }
        // Excluded now (the sealed list re-matched against the roster as it is), not only as recorded.
        let separation = try self.separation(c)
        let roster = try pool.read { db in try self.roster(db) }
        guard let taken = try? seating(excluded: excluded.union(separation.excluded(among: roster)), keep: keep)
            .first(where: { $0.0 == seat }) else { return nil }
        return (seat, taken.1, try Grants.seal(c.keys, ref: c.ref, for: taken.1, cleared: try separation.clear(taken.1)))
    }
}
