import Casework
import Foundation
import SQLiteDB
import Vault

/// Restoring access with the organisation's offline recovery key (DESIGN.md, "Recovery key"):
/// every case key is also sealed for it, so the operator can re-seal a case for a staff member
/// who lost their key. The same limits as a re-grant: only for someone already assigned to the
/// case, never for someone excluded from it (art. 10).
extension Ledger {
    /// What `recoverAccess` did for one case: restored (with or without the identity key), or why not.
    public struct RecoveryOutcome: Sendable, Equatable {
        public enum Result: Sendable, Equatable {
            case restored(identity: Bool)
            case alreadyHeld
            case excluded
            case notAssigned
            /// The case has no grant for the recovery key (should not happen; it is sealed at intake).
            case noRecoveryGrant
        }
        public let ref: String
        public let registerNumber: RegisterNumber
        public let result: Result
    }

    /// Restores an account's grants from the recovery key (`candor recover`), only for cases it is assigned to
    /// and never for one it is excluded from; refuses a recovery key that is not this installation's. Each
    /// restore or refusal is audited.
    ///
    /// - Parameter caseRefs: the cases to restore; nil for every case the account is assigned to.
    public func recoverAccess(recoveryKey: RecoveryPrivateKey, to login: String, caseRefs: [String]?,
                              actor: String = "cli:recover") throws -> [RecoveryOutcome] {
        guard recoveryKey.publicKey == keys.recoveryPublicKey else {
            throw Problem(description: "this recovery key does not belong to this installation: its public half differs from \(keys.url.appendingPathComponent(KeyFolder.recoveryPublicFile).path). Use the recovery key `candor init` printed for this installation.")
        }
        guard let account = try account(login: login) else { throw Problem(description: "no account with the login '\(login)'") }
        guard !account.disabled else { throw Problem(description: "\(login) is disabled: enable it first (candor user enable \(login))") }
        let accountID = account.id
        let rows: [Row] = try pool.read { db in
            if let caseRefs {
                return try caseRefs.map { ref in
                    guard let row = try db.queryOne("SELECT \(CaseRow.columns()) FROM cases WHERE ref = ?", [.text(ref)]) else {
                        throw Problem(description: "no case with the reference \(ref)")
                    }
                    return row
                }
            }
            return try db.query("""
                SELECT \(CaseRow.columns()) FROM cases
                WHERE id IN (SELECT case_id FROM assignments WHERE account_id = ?) ORDER BY id
                """, [.integer(accountID)])
        }
        return try rows.map { row in
            let c = try CaseRow(row: row)
            let result = try recover(caseID: c.id, ref: c.ref, realName: c.realName, confidential: c.confidential,
                                     account: account, recoveryKey: recoveryKey, actor: actor)
            return RecoveryOutcome(ref: c.ref, registerNumber: c.registerNumber, result: result)
        }
    }

    private func recover(caseID: Int64, ref: String, realName: Bool, confidential: Bool, account: Account,
                         recoveryKey: RecoveryPrivateKey, actor: String) throws -> RecoveryOutcome.Result {
        let accountID = account.id
        let holder = Holder.account(accountID)
        let found = try pool.read { db in
            (recovery: try Grants.sealedKey(db, .caseKey, caseID: caseID, holder: Holder.recovery),
             identityRecovery: try Grants.sealedKey(db, .identity, caseID: caseID, holder: Holder.recovery),
             assigned: try db.queryOne("SELECT 1 FROM assignments WHERE case_id = ? AND account_id = ?", [.integer(caseID), .integer(accountID)]) != nil,
             holds: try Grants.sealedKey(db, .caseKey, caseID: caseID, holder: holder) != nil,
             identity: try Ledger.entitledToIdentity(db, caseID: caseID, accountID: accountID, confidential: confidential))
        }
        guard let sealedRecovery = found.recovery else { return .noRecoveryGrant }
        let caseKey = try Grants.openCaseKey(sealedRecovery, ref: ref, with: recoveryKey)
        let separation = try pool.read { db in try Ledger.separation(db, caseID: caseID, ref: ref, caseKey: caseKey) }
        let now = clock()
        let audit = self.audit
        guard let cleared = try? separation.clear(account) else {
            _ = try pool.write { db in
                try audit.append(db, actor: actor, action: "recovery_regrant_refused", caseRef: ref, detail: "refused", at: now)
            }
            return .excluded
        }
        guard found.assigned else { return .notAssigned }
        guard !found.holds else { return .alreadyHeld }
        let sealed = try Grants.seal(caseKey, ref: ref, for: account, cleared: cleared)
        var sealedIdentity: Grants.Sealed?
        if realName, found.identity, let identityRecovery = found.identityRecovery {
            let identityKey = try Grants.openIdentityKey(identityRecovery, ref: ref, with: recoveryKey)
            sealedIdentity = try Grants.seal(identityKey, ref: ref, for: account, cleared: cleared)
        }
        let identity = sealedIdentity
        try pool.write { db in
            try Grants.store(db, sealed, caseID: caseID)
            if let identity { try Grants.store(db, identity, caseID: caseID) }
            try audit.append(db, actor: actor, action: "recovery_regrant", caseRef: ref,
                             detail: "account=\(accountID) identity=\(identity == nil ? 0 : 1)", at: now)
        }
        return .restored(identity: identity != nil)
    }
}
