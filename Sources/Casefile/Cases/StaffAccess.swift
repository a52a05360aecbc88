import Casework
import Foundation
import SQLiteDB
import Vault

/// A case as a staff member holds it: its two keys (from their grants), the capacities in which they
/// hold it, and the facts the workflow needs. Obtained only through `Ledger.staffCase`, which
/// asks the access policy first and audits every answer.
public struct StaffCase: Sendable {
    public let caseID: Int64
    public let ref: String
    let keys: CaseKeys
    public let accountID: Int64
    /// 'intake', 'inspector', 'chairman', 'party_secretary'.
    public let capacities: Set<String>
    public let facts: CaseFacts
    public let registerNumber: RegisterNumber
    public let receivedOn: Day
    public let category: String
    public let channel: String
    public let realName: Bool
    public let confidential: Bool
    public let legalHold: Bool

    /// The role this account acts in on this case: the alternate intake acts as head here.
    public var caseRole: Role? {
        if capacities.contains("intake") { return .head }
        if capacities.contains("inspector") { return .inspector }
        if capacities.contains("chairman") || capacities.contains("party_secretary") { return .approver }
        return nil
    }

    /// The role this account acts in for `action`: a leader who took intake because every head
    /// was excluded (`IntakePlan.Route.leaders`) still decides from its seat, or art. 7's two
    /// approvals could never be given on that case.
    public func caseRole(for action: CaseAction) -> Role? {
        if seat != nil, action == .decideApproval || action == .approveReward { return .approver }
        return caseRole
    }

    public var seat: Seat? {
        if capacities.contains("chairman") { return .chairman }
        if capacities.contains("party_secretary") { return .partySecretary }
        return nil
    }
}

public enum StaffCaseAccess: Sendable {
    case granted(StaffCase)
    /// No such case, or no grant for this account: the same answer, so a guessed reference
    /// learns nothing.
    case notFound
    /// The account holds the case but may not take this action, or not in this state.
    case refused(String)
    /// The case's rows do not match its seals (`CaseSeal`): nothing is done on it. Each check
    /// that failed, by name; the audit log has them too.
    case tampered([String])
}

extension Ledger {
    /// Opens a case for a staff action. Order matters: the grant (a key, not a flag) first, then
    /// the access policy, then the workflow; every refusal leaves an audit entry.
    public func staffCase(ref: String, accountID: Int64, key: StaffPrivateKey, action: CaseAction) throws -> StaffCaseAccess {
        let now = clock()
        let audit = self.audit
        let found: HeldCase?
        do { found = try heldCase(ref: ref, accountID: accountID) } catch is AccountSealFailed {
            try auditAccountTampering(accountID, refused: "case")
            found = nil
        }
        func deny(_ detail: String, caseRef: String?) throws {
            _ = try pool.write { db in
                try audit.append(db, actor: "staff:\(accountID)", action: "access_denied", caseRef: caseRef,
                                 detail: "action=\(action.rawValue) \(detail)", at: now)
            }
        }
        guard let (row, inspectors, sealed, capacities) = found else {
            try deny("reason=no_such_case", caseRef: nil)
            return .notFound
        }
        let keys: CaseKeys
        switch try openKeys(sealed, caseID: row.id, ref: ref, accountID: accountID, key: key) {
        case .opened(let opened): keys = opened
        case .splitElsewhere: return try staffCase(ref: ref, accountID: accountID, key: key, action: action)
        case .tampered(let checks):
            try auditTampering(ref: ref, actor: "staff:\(accountID)", checks: checks)
            return .tampered(checks)
        case .none:
            try deny("reason=no_grant", caseRef: ref)
            return .notFound
        }
        // Art. 10 holds for a grant already given too: an account that has come to match the
        // accused since (renamed, its employee id or post changed) opens nothing, and is told and
        // audited exactly as an account without a grant, so the refusal names no one.
        guard try !excludedNow(caseID: row.id, ref: ref, keys: keys, accountID: accountID) else {
            try deny("reason=no_grant", caseRef: ref)
            return .notFound
        }
        let failed = try pool.read { db in try CaseSeal.failures(db, caseID: row.id, ref: ref, keys: keys) }
        guard failed.isEmpty else {
            try auditTampering(ref: ref, actor: "staff:\(accountID)", checks: failed)
            return .tampered(failed)
        }
        // Issue 14: rows from before, sealed and cleared, in a checked write that seals the case again.
        try sealLegacyPlaintext(caseID: row.id, ref: ref, keys: keys, actor: "staff:\(accountID)")
        let facts = CaseFacts(state: row.state, outcome: row.outcome, approvals: row.approvals, designatedInspectors: inspectors,
                              reportSubmittedToLeaders: row.reportSubmittedOn != nil, sanctionRecorded: row.sanctionRecorded)
        let staffCase = StaffCase(caseID: row.id, ref: ref, keys: keys, accountID: accountID,
                                  capacities: Set(capacities), facts: facts, registerNumber: row.registerNumber,
                                  receivedOn: row.receivedOn, category: row.category, channel: row.channel,
                                  realName: row.realName, confidential: row.confidential, legalHold: row.legalHold)
        guard let role = staffCase.caseRole(for: action), AccessPolicy.permits(role, action, .assigned) else {
            try deny("reason=policy", caseRef: ref)
            return .refused("Your part in this case does not include this action.")
        }
        guard Workflow.allows(action, in: facts) else {
            try deny("reason=state state=\(facts.state.rawValue)", caseRef: ref)
            return .refused("This cannot be done while the case is \(facts.state.rawValue).")
        }
        return .granted(staffCase)
    }

    typealias HeldCase = (row: CaseRow, inspectors: Int, sealed: (channel: [UInt8], internal: [UInt8]?)?, capacities: [String])

    /// The case's row, this account's grants of it and its capacities on it; nil when there is no
    /// such case or the account's reading power awaits confirmation.
    private func heldCase(ref: String, accountID: Int64) throws -> HeldCase? {
        let (audit, holder) = (self.audit, Holder.account(accountID))
        return try pool.read { db -> HeldCase? in
            // Issue 13: an account enabled again holds its old grants, but opens none of them
            // until a second reader has confirmed it (the same answer as no grant).
            if try db.queryOne("SELECT 1 FROM accounts WHERE id = ? AND reading_pending = 1", [.integer(accountID)]) != nil {
                return nil
            }
            // RosterSeal: a row changed behind the ledger's back (`reading_pending` flipped to 0)
            // opens nothing either.
            guard try audit.accountSealHolds(db, accountID) else { throw AccountSealFailed() }
            guard let row = try db.queryOne("""
                SELECT \(CaseRow.columns()),
                       (SELECT count(*) FROM assignments a WHERE a.case_id = cases.id AND a.capacity = 'inspector') AS inspectors
                FROM cases WHERE ref = ?
                """, [.text(ref)]) else { return nil }
            let c = try CaseRow(row: row)
            let grant = try Grants.sealedKey(db, .caseKey, caseID: c.id, holder: holder).map {
                (channel: $0, internal: try Grants.sealedKey(db, .internalKey, caseID: c.id, holder: holder))
            }
            let capacities = try db.query("SELECT capacity FROM assignments WHERE case_id = ? AND account_id = ?",
                                          [.integer(c.id), .integer(accountID)]).map { try $0.required(String.self, "capacity", table: "assignments") }
            return (c, try row.required(Int.self, "inspectors", table: "assignments"), grant, capacities)
        }
    }

    /// Decrypts one kind of blob for a staff member, auditing the decryption.
    func staffRead(_ c: StaffCase, kinds: [BlobKind]) throws -> [(kind: BlobKind, author: String, day: Day, text: String)] {
        let caseID = c.caseID
        let rows = try pool.read { db in
            try db.query("SELECT \(BlobRow.columns()) FROM blobs WHERE case_id = ? AND kind IN (\(kinds.map { _ in "?" }.joined(separator: ","))) ORDER BY id",
                         [.integer(caseID)] + kinds.map { .text($0.rawValue) })
        }
        return try rows.map { row in
            let blob = try BlobRow(row: row)
            let plain = try blob.open(keys: c.keys, ref: c.ref)
            return (try blob.blobKind(), blob.author, blob.day, String(decoding: plain, as: UTF8.self))
        }
    }

    /// A message to the reporter (art. 9, 11: kept apart from internal notes; the reporter sees
    /// only these). Meets art. 9's feedback deadline the first time only when `feedback` says it
    /// is feedback on the handling; a routine "received" message leaves the deadline open.
    public func messageReporter(_ c: StaffCase, text: String, feedback: Bool = false) throws {
        let now = clock()
        let today = Int64(self.today.ordinal)
        let audit = self.audit
        let (caseID, ref, account) = (c.caseID, c.ref, c.accountID)
        try addBlob(c, kind: .messageToReporter, plaintext: Array(text.utf8)) { db in
            if feedback {
                try db.execute("UPDATE cases SET feedback_day = coalesce(feedback_day, ?) WHERE id = ?", [.integer(today), .integer(caseID)])
            }
            try audit.append(db, actor: "staff:\(account)", action: "message_reporter", caseRef: ref, at: now)
        }
    }

    /// An internal note or interview record: never shown to the reporter (art. 11).
    public func addNote(_ c: StaffCase, kind: BlobKind = .note, text: String) throws {
        let now = clock()
        let audit = self.audit
        let (ref, account) = (c.ref, c.accountID)
        try addBlob(c, kind: kind, plaintext: Array(text.utf8)) { db in
            try audit.append(db, actor: "staff:\(account)", action: "add_\(kind.rawValue)", caseRef: ref, at: now)
        }
    }
}

/// A case as a staff member reads it: the report, the accused and the sealed pieces this
/// account may see (internal notes only where the policy lets it read them).
public struct CaseReading {
    public typealias Piece = (kind: BlobKind, author: String, day: Day, text: String)
    public let content: ReportContent?
    public let accused: [AccusedPerson]
    public let pieces: [Piece]
    public let readsNotes: Bool

    public func pieces(_ kinds: [BlobKind]) -> [Piece] { pieces.filter { kinds.contains($0.kind) } }
}

extension Ledger {
    /// Decrypts what the case page (or the API's case view) shows, and audits the view.
    public func readCase(_ c: StaffCase, readsNotes: Bool) throws -> CaseReading {
        var kinds: [BlobKind] = [.report, .accused, .summary, .messageToReporter, .messageFromReporter, .investigationReport, .sanction,
                                 .refusalReason]
        if readsNotes { kinds += [.note, .interview] }
        let pieces = try staffRead(c, kinds: kinds)
        _ = try pool.write { [audit, now = clock()] db in
            try audit.append(db, actor: "staff:\(c.accountID)", action: "case_view", caseRef: c.ref, at: now)
        }
        let content = try pieces.first { $0.kind == .report }.map { try JSONBytes.decode(ReportContent.self, Array($0.text.utf8)) }
        let accused = try pieces.first { $0.kind == .accused }.map { try JSONBytes.decode([AccusedPerson].self, Array($0.text.utf8)) } ?? []
        return CaseReading(content: content, accused: accused, pieces: pieces, readsNotes: readsNotes)
    }
}

/// The account's own row failed its roster seal (`RosterSeal`): answered like no grant.
struct AccountSealFailed: Error {}
