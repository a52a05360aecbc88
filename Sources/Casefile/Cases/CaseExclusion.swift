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
        let (caseID, ref, caseKey, actor) = (c.caseID, c.ref, c.caseKey, "staff:\(c.accountID)")
        let (now, today, audit) = (clock(), Int64(self.today.ordinal), self.audit)
        try pool.write { db in
            var records = try Ledger.separation(db, caseID: caseID, ref: ref, caseKey: caseKey).records
            guard !records.contains(where: { $0.accountID == accountID }) else {
                throw ActionRefused(description: "This person is already excluded from the case.")
            }
            records.append(ExclusionRecord(accountID: accountID, reason: "excluded_by_head", note: reason))
            let slot = try CaseCrypto.newSlot()
            let sealed = try CaseCrypto.seal(try JSONBytes.encode(records), caseKey: caseKey, ref: ref, kind: BlobKind.exclusions.rawValue, slot: slot)
            try db.execute("DELETE FROM blobs WHERE case_id = ? AND kind = 'exclusions'", [.integer(caseID)])
            try Ledger.insertBlob(db, caseID: caseID, kind: .exclusions, blob: (slot: slot, sealed: sealed), author: actor, day: today)
            try Ledger.endPart(db, caseID: caseID, accountID: accountID)
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
        try pool.write { db in
            try Ledger.insertBlob(db, caseID: caseID, kind: .note, blob: note, author: actor, day: today)
            try Ledger.endPart(db, caseID: caseID, accountID: accountID)
            try audit.append(db, actor: actor, action: "designation_withdrawn", caseRef: ref, detail: "grant revoked", at: now)
        }
    }

    /// Deletes every grant and assignment an account has on a case.
    static func endPart(_ db: Database, caseID: Int64, accountID: Int64) throws {
        let holder = Holder.account(accountID)
        try db.execute("DELETE FROM grants WHERE case_id = ? AND holder = ?", [.integer(caseID), .text(holder)])
        try db.execute("DELETE FROM identity_grants WHERE case_id = ? AND holder = ?", [.integer(caseID), .text(holder)])
        try db.execute("DELETE FROM assignments WHERE case_id = ? AND account_id = ?", [.integer(caseID), .integer(accountID)])
    }
}
