import Casework
import Foundation
import SQLiteDB
import Vault

/// Creating, listing and unlocking staff accounts. Each account's X25519 private key is stored
/// only encrypted under a key scrypt derives from the password; the password hash is a separate
/// scrypt output with its own salt, so checking a password needs no key material.
extension Ledger {
    /// An account change refused before anything is written (an unknown login, a login taken, a weak password).
    public struct AccountProblem: Error, CustomStringConvertible, Sendable, Equatable {
        public let description: String
        public init(description: String) { self.description = description }
    }

    static func validLogin(_ login: String) -> Bool {
        (3...40).contains(login.count) && login.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "." || $0 == "_" || $0 == "-"
        }
    }

    /// Creates an account with a fresh X25519 key pair, the private key stored only encrypted
    /// under the password (scrypt), in one transaction with its audit entry. Throws
    /// `AccountProblem` for an invalid login, a blank name, a seat that does not fit the role or a
    /// password `PasswordRules` refuses; nothing is stored then.
    ///
    /// A head, inspector or approver is created with its reading power pending (`readingPending`:
    /// it holds nothing, intake and seats pass it by) until a second reader confirms it
    /// (`confirmReaderChange`). Only `commandLine` creation while no one could confirm yet (the
    /// installation's first readers) is in force at once, audited as `reader_change_bootstrap`.
    @discardableResult
    public func createAccount(login: String, displayName: String, employeeID: String?, role: Role, seat: Seat?,
                              post: String? = nil, password: String, actor: String, commandLine: Bool = false) throws -> Account {
        let post = post.map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        guard Ledger.validLogin(login) else {
            throw AccountProblem(description: "A login has 3 to 40 characters: lower-case letters, digits, '.', '_' or '-'.")
        }
        guard !displayName.allSatisfy(\.isWhitespace) else { throw AccountProblem(description: "Give the person's name.") }
        // An approver without a seat is a leader who stands in as an alternate (issue 13).
        guard seat == nil || role == .approver else {
            throw AccountProblem(description: "Only an approver holds a seat (chairman or party_secretary); other roles have none.")
        }
        do { try PasswordRules.check(password, login: login) } catch let refused as PasswordRules.Refused {
            throw AccountProblem(description: refused.description)
        }
        let key = try X25519PrivateKey()
        let encrypted = try key.exportEncrypted(password: password, params: passwordParameters)
        let hash = try PasswordHash.make(password: password, parameters: passwordParameters)
        let now = clock()
        let audit = self.audit
        let id: Int64 = try pool.write { db in
            if try db.queryOne("SELECT 1 FROM accounts WHERE login = ?", [.text(login)]) != nil {
                throw AccountProblem(description: "The login '\(login)' is taken.")
            }
            try db.execute("""
                INSERT INTO accounts(login, display_name, employee_id, role, seat, password_hash, public_key, private_key_enc, created_at, post)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [.text(login), .text(displayName), employeeID.map(SQLValue.text) ?? .null, .text(role.rawValue),
                      seat.map { .text($0.rawValue) } ?? .null, .text(hash), .blob(key.publicKey.rawRepresentation),
                      .blob(encrypted), .integer(now), post.map(SQLValue.text) ?? .null])
            let id = db.lastInsertRowID
            try audit.append(db, actor: actor, action: "account_create", detail: "account=\(id) role=\(role.rawValue)", at: now)
            if Ledger.reads(role) {
                _ = try Ledger.requestReadingPower(db, .create, accountID: id, actor: actor, commandLine: commandLine, audit: audit, at: now)
            }
            try audit.sealAccount(db, id)
            return id
        }
        return try account(id: id)!
    }

    /// The account with this id, as stored now; nil when there is none. Holds no key material.
    public func account(id: Int64) throws -> Account? {
        try pool.read { db in try db.queryOne("SELECT \(Account.columns) FROM accounts WHERE id = ?", [.integer(id)]).map { try checked(db, $0) } }
    }

    /// An account read from its row, with whether its roster seal holds.
    func checked(_ db: Database, _ row: Row) throws -> Account {
        var account = try Account(row: row)
        account.rosterSealHolds = try audit.accountSealHolds(db, account.id)
        return account
    }

    /// The account with this login, as stored now; nil when there is none. Holds no key material.
    public func account(login: String) throws -> Account? {
        try pool.read { db in try db.queryOne("SELECT \(Account.columns) FROM accounts WHERE login = ?", [.text(login)]).map { try checked(db, $0) } }
    }

    /// Every account, disabled ones included, by id. Holds no key material.
    public func accounts() throws -> [Account] {
        try pool.read { db in try db.query("SELECT \(Account.columns) FROM accounts ORDER BY id").map { try checked(db, $0) } }
    }

    /// A disabled account cannot log in; its grants stay, so that re-enabling restores access
    /// and no case loses its only reader. Enabling a head, inspector or approver leaves its
    /// reading power pending until a second reader confirms it (as `createAccount`).
    public func setDisabled(login: String, _ disabled: Bool, actor: String, commandLine: Bool = false) throws {
        let now = clock()
        let audit = self.audit
        try pool.write { db in
            guard let id = try db.scalar("SELECT id FROM accounts WHERE login = ?", [.text(login)], as: Int64.self) else {
                throw AccountProblem(description: "no account with the login '\(login)'")
            }
            try audit.requireAccountSeal(db, id)
            try db.execute("UPDATE accounts SET disabled = ? WHERE id = ?", [.integer(disabled ? 1 : 0), .integer(id)])
            try audit.append(db, actor: actor, action: disabled ? "account_disable" : "account_enable", detail: "account=\(id)", at: now)
            let role = try db.required("SELECT role FROM accounts WHERE id = ?", [.integer(id)], as: String.self, column: "role", table: "accounts")
            if !disabled, let role = Role(rawValue: role), Ledger.reads(role) {
                _ = try Ledger.requestReadingPower(db, .enable, accountID: id, actor: actor, commandLine: commandLine, audit: audit, at: now)
            }
            try audit.sealAccount(db, id)
        }
    }

    /// Stores a TOTP secret sealed to the account's own public key, so that reading it needs the
    /// password-unlocked private key: the database alone yields no second factor.
    public func enrollTOTP(accountID: Int64, secret: SecureBytes, actor: String) throws {
        guard let account = try account(id: accountID) else { throw AccountProblem(description: "no such account") }
        let sealed = try SealedBox.seal(secret, to: try account.x25519PublicKey(), context: Array("candor/totp/v1|\(accountID)".utf8))
        let now = clock()
        let audit = self.audit
        try pool.write { db in
            try db.execute("UPDATE accounts SET totp_secret_sealed = ?, totp_enrolled = 1 WHERE id = ?", [.blob(sealed), .integer(accountID)])
            try audit.append(db, actor: actor, action: "totp_enrol", detail: "account=\(accountID)", at: now)
        }
    }

    /// The people a reporter may keep away from a report: everyone who could hold a case.
    public func handlers() throws -> [Account] {
        try pool.read { db in
            try db.query("""
                SELECT \(Account.columns) FROM accounts WHERE disabled = 0 AND reading_pending = 0 AND role IN ('head','inspector','approver')
                ORDER BY role, id
                """)
                .map(Account.init(row:))
        }
    }

    /// Checks the password and unlocks the account's private key. Does not check TOTP, lock-out
    /// or disabled state: the login flow does, around this.
    func unlockKey(accountID: Int64, password: String) throws -> StaffPrivateKey? {
        let row = try pool.read { db in
            try db.queryOne("SELECT \(AccountCredentials.columns) FROM accounts WHERE id = ?", [.integer(accountID)])
                .map(AccountCredentials.init(row:))
        }
        guard let row, PasswordHash.verify(password, against: row.passwordHash) else { return nil }
        return StaffPrivateKey(try X25519PrivateKey.importEncrypted(row.encryptedKey, password: password))
    }
}
