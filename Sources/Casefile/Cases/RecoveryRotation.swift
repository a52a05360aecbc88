import Foundation
import SQLiteDB
import Vault

/// `candor recovery rotate`: a new recovery key pair for an installation whose recovery key is
/// to be retired (a holder left, a copy may be lost). Every recovery grant — both keys of every
/// case and every identity key — is opened with the old private key and sealed to the new public
/// key in one transaction, so there is never a database half on each key; the key folder's
/// `recovery.pub` and the database's `key_fingerprint` change with it.
extension Ledger {
    /// What `rotateRecoveryKey` re-sealed.
    public struct RecoveryRotation: Sendable, Equatable {
        /// Grants re-sealed (each case has two, a real-name case three).
        public let grants: Int
        public let cases: Int
    }

    /// Re-seals every recovery grant to `newPublicKey`. Refused, with nothing changed, when
    /// `old` is not this installation's recovery key, when any grant does not open with it, or
    /// when a case's rows fail its seals (re-sealing would not launder them, but the operator
    /// should see them first). Audited `recovery_key_rotated`. Stop the server first: a running
    /// one seals new cases to the public key it read at start.
    public func rotateRecoveryKey(old: RecoveryPrivateKey, to newPublicKey: X25519PublicKey,
                                  actor: String = "cli:recovery") throws -> RecoveryRotation {
        guard old.publicKey == keys.recoveryPublicKey else {
            throw Problem(description: "the old recovery key given does not belong to this installation: its public half differs from \(keys.url.appendingPathComponent(KeyFolder.recoveryPublicFile).path)")
        }
        guard newPublicKey != keys.recoveryPublicKey else { throw Problem(description: "the new recovery key is the old one") }
        let staged = try keys.stageRecoveryPublicKey(newPublicKey)
        let newFingerprint = try keys.fingerprint(recovery: newPublicKey)
        let (audit, now) = (self.audit, clock())
        let done: RecoveryRotation
        do {
            done = try pool.write { db in
                let grants = try Grants.recoveryGrants(db)
                let resealed = try grants.map { try Grants.resealRecovery($0, from: old, to: newPublicKey) }
                try Ledger.checkSealsForRotation(db, grants, old)
                for (grant, sealed) in zip(grants, resealed) { try Grants.store(db, sealed, caseID: grant.caseID) }
                try db.execute("UPDATE meta SET value = ? WHERE name = 'key_fingerprint'", [.text(newFingerprint)])
                let cases = Set(grants.map(\.caseID)).count
                try audit.append(db, actor: actor, action: "recovery_key_rotated", detail: "cases=\(cases) grants=\(grants.count)", at: now)
                return RecoveryRotation(grants: grants.count, cases: cases)
            }
        } catch {
            try? FileManager.default.removeItem(at: staged)
            throw error
        }
        try keys.commitStagedRecoveryPublicKey(staged)
        return done
    }

    /// The seals of every split case, checked with the keys the old recovery grants open, and
    /// rewritten as every checked write does; a case that fails stops the rotation.
    static func checkSealsForRotation(_ db: Database, _ grants: [Grants.RecoveryGrant], _ old: RecoveryPrivateKey) throws {
        var tampered: [String] = []
        for grant in grants where grant.table == .caseKey {
            let inner = grants.first { $0.table == .internalKey && $0.caseID == grant.caseID }?.bytes
            guard case .keys(let keys) = try Grants.openCaseKeys(channel: grant.bytes, internal: inner, ref: grant.ref, with: old) else { continue }
            let failed = try CaseSeal.failures(db, caseID: grant.caseID, ref: grant.ref, keys: keys)
            if !failed.isEmpty {
                tampered.append("\(grant.ref): \(failed.joined(separator: "; "))")
                continue
            }
            try CaseSeal.write(db, caseID: grant.caseID, ref: grant.ref, keys: keys)
        }
        guard tampered.isEmpty else {
            throw Problem(description: "refused, nothing changed: these cases' rows do not match their seals (restore them, or purge them, first):\n  "
                          + tampered.joined(separator: "\n  "))
        }
    }
}
