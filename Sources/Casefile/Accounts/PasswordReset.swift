import Casework
import Foundation
import SQLiteDB
import Vault

/// Resetting a forgotten password. The old private key is encrypted under the old password, so it
/// is gone with it: the account gets a new key pair, and every grant sealed to the old public key
/// is deleted rather than left as dead weight that looks like access. Access comes back only by
/// re-sealing (a colleague's re-grant, or `candor recover` with the offline recovery key).
extension Ledger {
    /// Returns the references of the cases whose grant the account lost. A head's, inspector's or
    /// approver's new key holds nothing until a second reader confirms the reset
    /// (`confirmReaderChange`): whoever chose the new password could otherwise read what intake
    /// seals for that account next.
    @discardableResult
    public func resetPassword(login: String, newPassword: String, actor: String, commandLine: Bool = false) throws -> [String] {
        do { try PasswordRules.check(newPassword, login: login) } catch let refused as PasswordRules.Refused {
            throw AccountProblem(description: refused.description)
        }
        guard let account = try account(login: login) else {
            throw AccountProblem(description: "no account with the login '\(login)'")
        }
        let key = try X25519PrivateKey()
        let encrypted = try key.exportEncrypted(password: newPassword, params: passwordParameters)
        let hash = try PasswordHash.make(password: newPassword, parameters: passwordParameters)
        let now = clock()
        let audit = self.audit
        let id = account.id
        let holder = Holder.account(id)
        return try pool.write { db in
            let lost = try db.query("""
                SELECT DISTINCT c.ref FROM cases c WHERE c.id IN
                  (SELECT case_id FROM grants WHERE holder = ? UNION SELECT case_id FROM identity_grants WHERE holder = ?)
                ORDER BY c.id
                """, [.text(holder), .text(holder)]).map { try $0.required(String.self, "ref", table: CaseRow.table) }
            try db.execute("DELETE FROM grants WHERE holder = ?", [.text(holder)])
            try db.execute("DELETE FROM identity_grants WHERE holder = ?", [.text(holder)])
            try db.execute("DELETE FROM internal_grants WHERE holder = ?", [.text(holder)])
            try audit.requireAccountSeal(db, id)
            // The TOTP secret was sealed to the old public key too: it must be enrolled again.
            try db.execute("""
                UPDATE accounts SET password_hash = ?, public_key = ?, private_key_enc = ?, totp_secret_sealed = NULL,
                       totp_enrolled = 0, failed_logins = 0, locked_until = 0 WHERE id = ?
                """, [.text(hash), .blob(key.publicKey.rawRepresentation), .blob(encrypted), .integer(id)])
            try audit.sealAccount(db, id)
            try audit.append(db, actor: actor, action: "password_reset", detail: "account=\(id) cases_lost=\(lost.count)", at: now)
            if Ledger.reads(account.role) {
                _ = try Ledger.requestReadingPower(db, .reset, accountID: id, actor: actor, commandLine: commandLine, audit: audit, at: now)
            }
            return lost
        }
    }

    /// What the operator is told after a reset, in the command line's language (English).
    public static func lostAccessNotice(cases: Int) -> String {
        "This account's access to \(cases) cases was lost with its old key. It comes back when a colleague who holds the case re-grants it (the head: 'Re-grant access' on the case page) or when the operator runs `candor recover` with the offline recovery key."
    }
}
