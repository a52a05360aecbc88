import Foundation
import SQLiteDB
import Vault

/// `candor audit rotate`: a new audit key, for an installation whose key may have been copied
/// (a departing operator, a backup of Keys/ gone astray). The log is append-only and each MAC
/// chains the one before, so old entries are never re-MACed: the chain is carried over by one
/// entry, `audit_key_rotated next_key=<id>`, MACed under the OLD key and naming the new key by
/// an identifier (an HMAC of a fixed string under it). Every entry after it is chained from its
/// MAC under the NEW key. `verify` starts with the oldest key in Keys/ (`audit.key.retired-1`,
/// -2 …, then `audit.key`) and switches at each rotation entry to the key it names; it needs
/// every retired key, which is why they stay in Keys/. A holder of a retired key alone can
/// rewrite nothing: changing an entry before the rotation changes the rotation entry's MAC,
/// which the first entry under the new key chains from.
///
/// The roster seal's key is derived from the audit key, so every account's roster MAC is
/// checked under the old key (a row that fails is refused, not laundered) and sealed again
/// under the new one, in the same transaction as the rotation entry.
extension AuditLog {
    static let rotationAction = "audit_key_rotated"

    /// A key's public name: sixteen hex digits of an HMAC under it.
    static func keyID(_ key: SecureBytes) throws -> String {
        String(hex(try HMAC.sha256(key: key, message: Array("candor/audit-key-id/v1".utf8))).prefix(16))
    }

    /// The key a rotation entry hands the chain to, among the keys this log holds; nil if none matches.
    func nextKey(after entry: Entry) throws -> SecureBytes? {
        guard let id = entry.detail.split(separator: " ").first(where: { $0.hasPrefix("next_key=") })?.dropFirst("next_key=".count) else { return nil }
        return try (retired + [key]).first { try AuditLog.keyID($0) == id }
    }
}

extension Ledger {
    /// What `rotateAuditKey` did: the entry that carries the chain over, and the seals re-made.
    public struct AuditRotation: Sendable, Equatable {
        /// The rotation entry's id: the last entry under the old key.
        public let entry: Int64
        public let accountsResealed: Int
        public let newKeyID: String
    }

    /// Rotates the audit key (see above). Refused, with nothing changed, when the chain does not
    /// verify or an account's roster seal does not hold under the old key. The new key is staged
    /// as `audit.key.new` before the commit and moved into place after it (the old one becomes
    /// `audit.key.retired-N`). Run with the server stopped; this ledger must be closed after.
    public func rotateAuditKey(actor: String = "cli:audit") throws -> AuditRotation {
        let newKey = SecureBytes(try Random.bytes(32))
        let newID = try AuditLog.keyID(newKey)
        let staged = try keys.stageAuditKey(newKey)
        let (audit, now) = (self.audit, clock())
        let next = AuditLog(key: newKey, retired: audit.retired + [audit.key])
        let done: AuditRotation
        do {
            done = try pool.write { db in
                if case .failure(let broken) = try audit.verify(db) {
                    throw Problem(description: "refused, nothing changed: the audit log does not verify (\(broken)); a rotation would carry a broken chain over")
                }
                let unsealed = try audit.unsealedAccounts(db)
                guard unsealed.isEmpty else {
                    throw Problem(description: "refused, nothing changed: the roster seal fails for accounts \(unsealed.sorted().map(String.init).joined(separator: ", ")) (changed outside Candor); re-sealing them under a new key would make the change the ledger's own")
                }
                let entry = try audit.append(db, actor: actor, action: AuditLog.rotationAction, detail: "next_key=\(newID)", at: now)
                try next.sealEveryAccount(db)
                let accounts = try db.scalar("SELECT count(*) FROM accounts", as: Int.self) ?? 0
                return AuditRotation(entry: entry, accountsResealed: accounts, newKeyID: newID)
            }
        } catch {
            try? FileManager.default.removeItem(at: staged)
            throw error
        }
        try keys.commitStagedAuditKey(staged)
        return done
    }
}
