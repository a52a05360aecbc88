import Casework
import Foundation
import SQLiteDB

/// A case as the inbox lists it: plaintext columns only (nothing sealed is opened to list), the
/// capacities the account holds it in, and its deadlines as of today.
public struct InboxEntry: Sendable {
    public let ref: String
    public let register: String
    public let received: Day
    public let category: String
    public let channel: String
    public let state: CaseState
    public let outcome: Outcome?
    public let approvals: Set<Seat>
    /// 'intake', 'inspector', 'chairman', 'party_secretary'.
    public let capacities: Set<String>
    /// Empty for a closed case.
    public let deadlines: [DeadlineStatus]
    /// Marks the lists show (art. 16 for `confidential`); plaintext columns, nothing opened.
    public let realName: Bool
    public let confidential: Bool
    public let legalHold: Bool
    /// The earliest due day of a deadline not yet met, as stored (`DueDays`); nil for a closed case.
    public let nextDue: Day?

    /// The deadline the case must meet next: the earliest not yet met (an overdue one first, as it
    /// falls earliest); nil when every deadline is met or the case is closed.
    public var nextDeadline: DeadlineStatus? {
        deadlines.filter { $0.metOn == nil }.min { $0.due < $1.due }
    }
}

/// What the console and the staff API list and show of cases beyond their sealed content: the
/// inbox, a case's deadlines, its designated inspectors, its state after an action.
extension Ledger {
    /// Every case this account holds a grant for, newest first (the staff API; the console reads
    /// a page at a time, `inboxPage`). Without a grant a case is not listed whatever the account's
    /// role (an admin or auditor holds none, so lists none). Listing opens no key and writes no
    /// audit entry: it shows only plaintext columns.
    public func inbox(accountID: Int64) throws -> [InboxEntry] {
        let (settings, today) = (self.settings, self.today)
        let rows = try pool.read { db in
            try db.query("""
                SELECT \(CaseRow.columns("c")), \(InboxSQL.capacities) AS caps
                FROM cases c JOIN grants g ON g.case_id = c.id AND g.holder = ?
                ORDER BY c.id DESC
                """, [.integer(accountID), .text(Holder.account(accountID))])
        }
        return try rows.map { try Ledger.entry($0, settings: settings, today: today) }
    }

    /// The reward of each case this account holds a grant for, by case ref: its state and the
    /// seats that approved it. The one place the lists read reward state from.
    /// With `refs`, only those cases are read (a page's worth, not every reward held). Read from
    /// the rewards (CROSS JOIN fixes the order): without statistics SQLite would otherwise walk
    /// every case the account holds to find the few with a reward.
    public func rewardStates(accountID: Int64, refs: [String]? = nil) throws -> [String: (state: String, approvals: Set<Seat>)] {
        let (only, values) = Ledger.refFilter(refs)
        let rows = try pool.read { db in
            try db.query("""
                SELECT c.ref, r.state, r.approvals FROM rewards r CROSS JOIN cases c ON c.id = r.case_id
                WHERE EXISTS (SELECT 1 FROM grants g WHERE g.case_id = c.id AND g.holder = ?)\(only)
                """, [.text(Holder.account(accountID))] + values)
        }
        var out: [String: (state: String, approvals: Set<Seat>)] = [:]
        for row in rows {
            let seats = try row.required(String.self, "approvals", table: "rewards").split(separator: ",").compactMap { Seat(rawValue: String($0)) }
            out[try row.required(String.self, "ref", table: "cases")] = (try row.required(String.self, "state", table: "rewards"), Set(seats))
        }
        return out
    }

    /// The refs of the cases this account holds a grant for on which an identity request waits
    /// for a decision. The one place the lists read pending identity requests from.
    public func casesWithPendingIdentityRequests(accountID: Int64, refs: [String]? = nil) throws -> Set<String> {
        let (only, values) = Ledger.refFilter(refs)
        return Set(try pool.read { db in
            try db.query("""
                SELECT DISTINCT c.ref FROM identity_requests r CROSS JOIN cases c ON c.id = r.case_id
                WHERE r.state = 'pending' AND EXISTS (SELECT 1 FROM grants g WHERE g.case_id = c.id AND g.holder = ?)\(only)
                """, [.text(Holder.account(accountID))] + values).map { try $0.required(String.self, "ref", table: "cases") }
        })
    }

    /// " AND c.ref IN (?, …)" with its values, or nothing for nil.
    static func refFilter(_ refs: [String]?) -> (String, [SQLValue]) {
        guard let refs else { return ("", []) }
        return (" AND c.ref IN (\(Array(repeating: "?", count: refs.count).joined(separator: ", ")))", refs.map(SQLValue.text))
    }

    /// The case's statutory deadlines as of today under the current settings; none for a closed
    /// case. Reads the days the case was registered, notified and answered afresh, so an action
    /// just taken counts.
    public func deadlines(of c: StaffCase) throws -> [DeadlineStatus] {
        guard !c.facts.state.isClosed else { return [] }
        let settings = self.settings
        let row = try pool.read { db in
            try db.queryOne("SELECT \(CaseRow.columns()) FROM cases WHERE id = ?", [.integer(c.caseID)]).map(CaseRow.init(row:))
        }
        let facts = row?.deadlineFacts ?? DeadlineFacts(receivedOn: c.receivedOn, realName: c.realName, registeredOn: nil,
                                                        acceptanceNoticeOn: nil, feedbackOn: nil)
        return DeadlineClock.evaluate(facts, rules: settings.deadlines, calendar: settings.calendar, today: today)
    }

    /// The accounts designated inspector on the case (capacity `inspector`), by id.
    public func designatedInspectors(of c: StaffCase) throws -> Set<Int64> {
        Set(try pool.read { db in
            try db.query("SELECT account_id FROM assignments WHERE case_id = ? AND capacity = 'inspector'", [.integer(c.caseID)])
                .map { try $0.required(Int64.self, "account_id", table: "assignments") }
        })
    }

    /// The case's state and outcome as committed now (a `StaffCase` holds them as they were
    /// when it was opened); both nil for a case that no longer exists.
    public func currentState(of c: StaffCase) throws -> (state: String?, outcome: String?) {
        let row = try pool.read { db in
            try db.queryOne("SELECT \(CaseRow.columns()) FROM cases WHERE id = ?", [.integer(c.caseID)]).map(CaseRow.init(row:))
        }
        return (row?.state.rawValue, row?.outcome?.rawValue)
    }
}

extension StaffCase {
    /// Whether this account may take `action` on this case now: the access policy for the role it
    /// holds the case in, then the workflow for the case's state. The same answer `staffCase`
    /// gives before acting; pages use it to show only the actions that would be allowed.
    public func permits(_ action: CaseAction) -> Bool {
        guard let role = caseRole(for: action) else { return false }
        return AccessPolicy.permits(role, action, .assigned) && Workflow.allows(action, in: facts)
    }
}
