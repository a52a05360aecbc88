import Casework
import Foundation
import SQLiteDB
import Synchronization
import Vault

/// Staff login: password, then TOTP, with back-off and lock-out that never reveal whether an
/// account exists. A successful login yields the unlocked private key, which lives only in the
/// session from then on.
public struct StaffUnlock: Sendable {
    public let account: Account
    public let key: StaffPrivateKey
    /// False: the account must enrol TOTP before it may see anything.
    public let totpEnrolled: Bool

    public init(account: Account, key: StaffPrivateKey, totpEnrolled: Bool) {
        self.account = account
        self.key = key
        self.totpEnrolled = totpEnrolled
    }
}

public enum LoginFailure: Error, Equatable, Sendable {
    /// Wrong login, password or code, a disabled account, or a lock-out: one answer for all.
    case refused
    /// Too many failures: wait this many seconds. Shown for unknown logins too.
    case locked(seconds: Int64)
}

/// Failure counts for logins that name no account, kept in memory so that a lock-out looks the
/// same whether or not the account exists.
final class PhantomFailures: Sendable {
    private let table = Mutex<[String: (count: Int, lockedUntil: Int64)]>([:])

    func get(_ login: String) -> (count: Int, lockedUntil: Int64) {
        table.withLock { $0[login] ?? (0, 0) }
    }

    func set(_ login: String, _ value: (count: Int, lockedUntil: Int64)) {
        table.withLock { t in
            if t.count > 10_000 { t.removeAll() }
            t[login] = value
        }
    }
}

extension Ledger {
    /// Failures allowed before the back-off starts; then 1, 2, 4 … minutes, at most an hour.
    static let freeFailures = 5

    static func lockSeconds(afterFailures n: Int) -> Int64 {
        guard n >= freeFailures else { return 0 }
        return min(3600, 60 << Int64(min(n - freeFailures, 6)))
    }

    /// Checks password and TOTP code and unlocks the account's private key. Every attempt runs
    /// the same derivations and commits the same kind of write whichever factor fails, and every
    /// failure has one answer; repeated failures lock the account for a growing time.
    public func login(_ login: String, password: String, totpCode: String, now: Int64? = nil) throws -> Result<StaffUnlock, LoginFailure> {
        let now = now ?? clock()
        let row = try pool.read { db in
            try db.queryOne("SELECT \(Account.columns), \(AccountCredentials.columns) FROM accounts WHERE login = ?", [.text(login)])
        }
        // Every attempt runs the two derivations a successful login runs, whichever factor
        // fails: the password hash, then the unlock of the private key. The TOTP secret is sealed
        // to that key, so the code cannot be checked before the unlock; instead the unlock is
        // never skipped, so a right password with a wrong code costs what a wrong password costs,
        // and an unknown or locked-out account what a known one does (LoginWorkTests counts them).
        let lookAlike = try self.lookAlike
        guard let row, let account = try? Account(row: row), let credentials = try? AccountCredentials(row: row) else {
            return try failUnknown(login, password: password, lookAlike: lookAlike, now: now)
        }
        let lockedUntil = credentials.lockedUntil
        if lockedUntil > now {
            // The look-alike, not the account's own: a locked account answers the same whether
            // or not the password was right, as a locked unknown login does.
            _ = unlock(password, hash: lookAlike.passwordHash, encryptedKey: lookAlike.privateKey)
            try recordLoginFailure(account.id, reason: "locked", now: now, count: false)
            return .failure(.locked(seconds: lockedUntil - now))
        }
        guard let key = unlock(password, hash: credentials.passwordHash, encryptedKey: credentials.encryptedKey) else {
            return try failed(account.id, reason: "password", now: now)
        }
        if account.disabled {
            return try failed(account.id, reason: "disabled", now: now)
        }
        // RosterSeal: an account a database writer inserted or changed does not log in.
        guard try pool.read({ db in try self.audit.accountSealHolds(db, account.id) }) else {
            try auditAccountTampering(account.id, refused: "login")
            return try failed(account.id, reason: "account_record_altered", now: now)
        }
        var counter: Int64?
        if account.totpEnrolled {
            // A code already used (replayed) is refused like a wrong one.
            guard let matched = try totpCounter(totpCode, account: account, credentials: credentials, key: key, now: now) else {
                return try failed(account.id, reason: "totp", now: now)
            }
            counter = matched
        }
        let audit = self.audit
        let id = account.id
        let usedCounter = counter
        try pool.write { db in
            try db.execute("UPDATE accounts SET failed_logins = 0, locked_until = 0, totp_last_counter = coalesce(?, totp_last_counter) WHERE id = ?",
                           [usedCounter.map(SQLValue.integer) ?? .null, .integer(id)])
            try audit.append(db, actor: "staff:\(id)", action: "login", detail: account.totpEnrolled ? "" : "totp_enrolment_pending", at: now)
        }
        return .success(StaffUnlock(account: account, key: StaffPrivateKey(key), totpEnrolled: account.totpEnrolled))
    }

    /// An unknown login fails as a known one does: the same derivations (against the look-alike
    /// account), the same growing lock, one committed audit entry.
    private func failUnknown(_ login: String, password: String, lookAlike: LookAlikeAccount, now: Int64) throws -> Result<StaffUnlock, LoginFailure> {
        _ = unlock(password, hash: lookAlike.passwordHash, encryptedKey: lookAlike.privateKey)
        var state = phantomFailures.get(login)
        let locked = state.lockedUntil > now
        if !locked {
            state.count += 1
            state.lockedUntil = now + Ledger.lockSeconds(afterFailures: state.count)
            phantomFailures.set(login, state)
        }
        // A known account's failure is a committed write (count and audit entry, an fsync);
        // an unknown one commits its own entry, so the disk does not tell them apart either.
        // The name typed is not recorded: it may be a password typed in the wrong field.
        let log = self.audit
        _ = try pool.write { db in
            try log.append(db, actor: "unknown", action: "login_failed", detail: locked ? "reason=locked" : "reason=unknown", at: now)
        }
        return .failure(state.lockedUntil > now ? .locked(seconds: state.lockedUntil - now) : .refused)
    }

    /// The TOTP counter the code matches, if it is later than the last one used (RFC 6238 §5.2:
    /// a code is accepted once).
    private func totpCounter(_ code: String, account: Account, credentials: AccountCredentials, key: X25519PrivateKey,
                             now: Int64) throws -> Int64? {
        guard let sealed = credentials.totpSecretSealed,
              let secret = try? SealedBox.openSecret(sealed, with: key, context: Array("candor/totp/v1|\(account.id)".utf8)),
              let matched = try TOTP.matchingCounter(code: code.filter { !$0.isWhitespace }, secret: secret,
                                                    time: Date(timeIntervalSince1970: TimeInterval(now))),
              matched > credentials.totpLastCounter else { return nil }
        return matched
    }

    /// The password check and the unlock, both run whatever the first one says; the key only
    /// when both succeed.
    private func unlock(_ password: String, hash: String, encryptedKey: [UInt8]) -> X25519PrivateKey? {
        let passwordRight = PasswordHash.verify(password, against: hash)
        let key = try? X25519PrivateKey.importEncrypted(encryptedKey, password: password)
        return passwordRight ? key : nil
    }

    private func failed(_ accountID: Int64, reason: String, now: Int64) throws -> Result<StaffUnlock, LoginFailure> {
        let lock = try recordLoginFailure(accountID, reason: reason, now: now, count: true)
        return .failure(lock > 0 ? .locked(seconds: lock) : .refused)
    }

    @discardableResult
    private func recordLoginFailure(_ accountID: Int64, reason: String, now: Int64, count: Bool) throws -> Int64 {
        let audit = self.audit
        return try pool.write { db in
            var lock: Int64 = 0
            if count {
                try db.execute("UPDATE accounts SET failed_logins = failed_logins + 1 WHERE id = ?", [.integer(accountID)])
                let n = try db.required("SELECT failed_logins FROM accounts WHERE id = ?", [.integer(accountID)], as: Int.self,
                                        column: "failed_logins", table: "accounts")
                lock = Ledger.lockSeconds(afterFailures: n)
                if lock > 0 {
                    try db.execute("UPDATE accounts SET locked_until = ? WHERE id = ?", [.integer(now + lock), .integer(accountID)])
                }
            }
            try audit.append(db, actor: "staff:\(accountID)", action: "login_failed", detail: "reason=\(reason)", at: now)
            return lock
        }
    }

    /// Verifies a TOTP code against a secret the session holds during enrolment, then stores it.
    public func confirmEnrolment(_ unlock: StaffUnlock, secret: SecureBytes, code: String, now: Int64? = nil) throws -> Bool {
        let now = now ?? clock()
        guard let matched = try TOTP.matchingCounter(code: code.filter { !$0.isWhitespace }, secret: secret,
                                                     time: Date(timeIntervalSince1970: TimeInterval(now))) else { return false }
        try enrollTOTP(accountID: unlock.account.id, secret: secret, actor: "staff:\(unlock.account.id)")
        let id = unlock.account.id
        try pool.write { db in
            try db.execute("UPDATE accounts SET totp_last_counter = ? WHERE id = ?", [.integer(matched), .integer(id)])
        }
        return true
    }
}
