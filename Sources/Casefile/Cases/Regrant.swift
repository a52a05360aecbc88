import Casework
import Foundation
import SQLiteDB
import Vault

/// Giving the case key back to someone who already works on the case but lost it with a
/// password reset. It never widens who holds a case: the account must already have an
/// assignment, and the sealed exclusions are checked first (art. 10).
extension Ledger {
    /// Re-seals the case key (and, where the account is entitled to it and `headKey` opens it, the
    /// identity key) for an account assigned to the case that holds no grant.
    public func regrant(_ c: StaffCase, to accountID: Int64, headKey: StaffPrivateKey? = nil) throws {
        guard let account = try account(id: accountID), !account.disabled else {
            throw ActionRefused(description: "Choose an active account.")
        }
        let cleared = try clearance(c, for: account, refusal: "regrant_refused")
        let (caseID, ref) = (c.caseID, c.ref)
        let holder = Holder.account(accountID)
        let standing = try pool.read { db in
            (assigned: try db.queryOne("SELECT 1 FROM assignments WHERE case_id = ? AND account_id = ?", [.integer(caseID), .integer(accountID)]) != nil,
             holds: try Grants.sealedKey(db, .caseKey, caseID: caseID, holder: holder) != nil,
             identity: try Ledger.entitledToIdentity(db, caseID: caseID, ref: ref, key: InternalRecords.key(c), accountID: accountID,
                                                     confidential: c.confidential))
        }
        guard standing.assigned else {
            throw ActionRefused(description: "This person has no part in this case. Re-granting only restores access someone lost; to add an investigator, designate them.")
        }
        guard !standing.holds else { throw ActionRefused(description: "This person already holds the case.") }
        let sealed = try Grants.seal(c.keys, ref: ref, for: account, cleared: cleared)
        var sealedIdentity: Grants.Sealed?
        if standing.identity, c.realName, let headKey, let identityKey = try? openIdentityKey(c, key: headKey) {
            sealedIdentity = try Grants.seal(identityKey, ref: ref, for: account, cleared: cleared)
        }
        let now = clock()
        let audit = self.audit
        let identity = sealedIdentity
        try pool.write { db in
            for grant in sealed { try Grants.store(db, grant, caseID: caseID) }
            if let identity { try Grants.store(db, identity, caseID: caseID) }
            try audit.append(db, actor: "staff:\(c.accountID)", action: "regrant", caseRef: ref,
                             detail: "account=\(accountID) identity=\(identity == nil ? 0 : 1)", at: now)
        }
    }

    /// Who held the identity key before and may hold it again: the intake head(s), and an
    /// inspector whose reasoned request was granted — never the latter on a confidential report
    /// (art. 16). Who was granted is read from the sealed requests (issue 14), opened with `key`.
    static func entitledToIdentity(_ db: Database, caseID: Int64, ref: String, key: CaseKeys, accountID: Int64, confidential: Bool) throws -> Bool {
        if try db.queryOne("SELECT 1 FROM assignments WHERE case_id = ? AND account_id = ? AND capacity = 'intake'",
                           [.integer(caseID), .integer(accountID)]) != nil { return true }
        guard IdentityPolicy.mayGrantRequest(confidential: confidential) else { return false }
        return try identityRequestGranted(db, caseID: caseID, ref: ref, caseKey: key, accountID: accountID)
    }
}
