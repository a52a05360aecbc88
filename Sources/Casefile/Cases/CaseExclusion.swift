import Casework
import SQLiteDB
import Vault

/// The head's part in art. 10: keeping another account out of a case, withdrawing a designation,
/// and seeing who is kept out and why. Who and why are sealed in the case; the audit log says
/// only that an exclusion or a withdrawal was made, so that it does not name the accused.
extension Ledger {
    /// One account kept out of a case, as the head sees it.
    public struct ExclusionShown: Sendable, Equatable {
        public let accountID: Int64
        /// `named_as_accused`, `picked_by_reporter`, `recused` or `excluded_by_head`.
        public let reason: String
        /// For a match with the accused: `Exclusion.Basis` (`ambiguous` when the report could mean
        /// this account but does not say enough; the account stays excluded).
        public let basis: String?
        /// The words of the report that matched.
        public let named: String?
        /// The head's reason, for an exclusion made by a head.
        public let note: String?
    }

    /// Everyone kept out of the case now: the sealed records, then accounts the accused match as
    /// the roster stands today (created or renamed since intake). Refused to all but the head.
    public func exclusionsShown(_ c: StaffCase) throws -> [ExclusionShown] {
        guard c.permits(.excludeFromCase) else { throw ActionRefused(description: "Only the head sees who is excluded from a case.") }
        let separation = try self.separation(c)
        let roster = try pool.read { db in try self.roster(db) }
        var records = separation.records
        for account in roster where !records.contains(where: { $0.accountID == account.id }) {
            if let found = separation.exclusion(of: account) { records.append(found) }
        }
        return records.map { ExclusionShown(accountID: $0.accountID, reason: $0.reason, basis: $0.basis, named: $0.named, note: $0.note) }
    }

    /// The accounts no list on this case may offer: excluded on record or matched now.
    public func excludedAccountIDs(_ c: StaffCase) throws -> Set<Int64> {
        let separation = try self.separation(c)
        return separation.excluded(among: try pool.read { db in try self.roster(db) })
            .union(separation.records.map(\.accountID))
    }

    /// The head keeps `accountID` out of the case (art. 10): the account joins the sealed
    /// exclusions with the reason, its grants are deleted at once and its assignments end. The
    /// exclusions are read, extended and sealed again inside one write, so two heads excluding
    /// at once both count.
    public func exclude(_ c: StaffCase, accountID: Int64, reason: String) throws {
        guard c.permits(.excludeFromCase) else { throw ActionRefused(description: "Only the head can exclude someone from a case.") }
        guard accountID != c.accountID else { throw ActionRefused(description: "To step aside yourself, declare a conflict (recuse).") }
        guard try account(id: accountID) != nil else { throw ActionRefused(description: "Choose an account.") }
        let seats = try passOnSeats(c, from: accountID, record: ExclusionRecord(accountID: accountID, reason: "excluded_by_head", note: reason))
        let (caseID, ref, keys, actor) = (c.caseID, c.ref, c.keys, "staff:\(c.accountID)")
        let (now, today, audit) = (clock(), Int64(self.today.ordinal), self.audit)
        try caseWrite(c) { db in
            var records = try Ledger.separation(db, caseID: caseID, ref: ref, keys: keys).records
            guard !records.contains(where: { $0.accountID == accountID }) else {
                throw ActionRefused(description: "This person is already excluded from the case.")
            }
            records.append(ExclusionRecord(accountID: accountID, reason: "excluded_by_head", note: reason))
            let slot = try CaseCrypto.newSlot()
            let sealed = try CaseCrypto.seal(try JSONBytes.encode(records), keys: keys, ref: ref, kind: .exclusions, slot: slot)
            try db.execute("DELETE FROM blobs WHERE case_id = ? AND kind = 'exclusions'", [.integer(caseID)])
            try Ledger.insertBlob(db, caseID: caseID, kind: .exclusions, blob: (slot: slot, sealed: sealed), author: actor, day: today)
            try Ledger.endPart(db, caseID: caseID, accountID: accountID)
            try Ledger.seat(db, caseID: caseID, seats)
            try audit.append(db, actor: actor, action: "exclusion", caseRef: ref, detail: "grant revoked", at: now)
        }
    }

    /// The head withdraws a designation: the inspector's grants and assignment end at once; the
    /// reason, and whose designation it was, go into a sealed note. Not an exclusion: the head
    /// may designate the same person again.
    public func withdrawDesignation(_ c: StaffCase, accountID: Int64, reason: String) throws {
        guard c.permits(.excludeFromCase) else { throw ActionRefused(description: "Only the head can withdraw a designation.") }
        guard try designatedInspectors(of: c).contains(accountID), let account = try account(id: accountID) else {
            throw ActionRefused(description: "This person is not designated on this case.")
        }
        let note = try sealedBlob(c, .note, "撤回指定 / designation withdrawn: \(account.displayName) — \(reason)")
        let (caseID, ref, actor) = (c.caseID, c.ref, "staff:\(c.accountID)")
        let (now, today, audit) = (clock(), Int64(self.today.ordinal), self.audit)
        try caseWrite(c) { db in
            try Ledger.insertBlob(db, caseID: caseID, kind: .note, blob: note, author: actor, day: today)
            try Ledger.endPart(db, caseID: caseID, accountID: accountID)
            try audit.append(db, actor: actor, action: "designation_withdrawn", caseRef: ref, detail: "grant revoked", at: now)
        }
    }

    /// The seats `accountID` holds on the case, each passed to the next holder or alternate who is
    /// not excluded (counting `record`), with the case key sealed for them. Refused when a seat
    /// would be left empty: art. 7 needs both approvals, and the head must first name an alternate.
    func passOnSeats(_ c: StaffCase, from accountID: Int64, record: ExclusionRecord) throws -> [(seat: Seat, accountID: Int64, grants: [Grants.Sealed])] {
        let held = try pool.read { db in
            try db.query("SELECT account_id, capacity FROM assignments WHERE case_id = ?", [.integer(c.caseID)]).map {
                (try $0.required(Int64.self, "account_id", table: "assignments"), try $0.required(String.self, "capacity", table: "assignments"))
            }
        }
        let seats = held.filter { $0.0 == accountID }.compactMap { Seat(rawValue: $0.1) }
        guard !seats.isEmpty else { return [] }
        let current = try separation(c)
        let separation = CaseSeparation(ref: c.ref, accused: current.accused, records: current.records + [record])
        let roster = try pool.read { db in try self.roster(db) }
        let logins = Dictionary(uniqueKeysWithValues: roster.map { ($0.id, $0.login) })
        return try seats.map { seat in
            let other = held.first { $0.0 != accountID && Seat(rawValue: $0.1).map { $0 != seat } == true }?.0
            let id: Int64
            do {
                id = try SeatAssignment.holder(of: seat, roster: roster.map(\.rosterEntry), excluded: separation.excluded(among: roster),
                                               alternates: settings.alternates, loginOf: { logins[$0] }, otherSeat: other)
            } catch { throw ActionRefused(description: "No one else can take this seat (\(error)): name an alternate for it first, then exclude.") }
            let account = roster.first { $0.id == id }!
            return (seat, id, try Grants.seal(c.keys, ref: c.ref, for: account, cleared: try separation.clear(account)))
        }
    }

    /// Gives each seat to its new holder; while the case awaits approval, an approval the seat
    /// gave before no longer counts.
    static func seat(_ db: Database, caseID: Int64, _ seats: [(seat: Seat, accountID: Int64, grants: [Grants.Sealed])]) throws {
        for s in seats {
            for grant in s.grants { try Grants.store(db, grant, caseID: caseID) }
            try db.execute("INSERT OR IGNORE INTO assignments(case_id, account_id, capacity) VALUES (?, ?, ?)",
                           [.integer(caseID), .integer(s.accountID), .text(s.seat.rawValue)])
            let approvals = try db.scalar("SELECT approvals FROM cases WHERE id = ?", [.integer(caseID)], as: String.self) ?? ""
            let kept = approvals.split(separator: ",").filter { $0 != s.seat.rawValue }.joined(separator: ",")
            // Only while the seats decide: once both approved, the investigation rests on a decision
            // already taken (the excluded leader's part ends, the decision stands).
            try db.execute("UPDATE cases SET approvals = ? WHERE id = ? AND state = 'awaiting_approval'", [.text(kept), .integer(caseID)])
        }
    }

    /// Deletes every grant and assignment an account has on a case.
    static func endPart(_ db: Database, caseID: Int64, accountID: Int64) throws {
        let holder = Holder.account(accountID)
        try db.execute("DELETE FROM grants WHERE case_id = ? AND holder = ?", [.integer(caseID), .text(holder)])
        try db.execute("DELETE FROM identity_grants WHERE case_id = ? AND holder = ?", [.integer(caseID), .text(holder)])
        try db.execute("DELETE FROM internal_grants WHERE case_id = ? AND holder = ?", [.integer(caseID), .text(holder)])
        try db.execute("DELETE FROM assignments WHERE case_id = ? AND account_id = ?", [.integer(caseID), .integer(accountID)])
    }
}
