import Casework
import Foundation
import SQLiteDB
import Vault

/// A staff API token as the database holds it: its SHA-256 (the token itself is shown once and
/// never stored), and a copy of the account's private key sealed under a key only the token can
/// derive. Deleting the row deletes that copy: revocation is by key, not by flag.
public struct APITokenInfo: Sendable, Equatable {
    public let id: Int64
    public let name: String
    public let createdOn: Day
    public let lastUsedOn: Day?
}

/// Who a token (or a console session) speaks for on an API request.
public struct APIStaff: Sendable {
    public let account: Account
    public let key: StaffPrivateKey
    /// nil for a console cookie session.
    public let tokenID: Int64?

    public init(account: Account, key: StaffPrivateKey, tokenID: Int64?) {
        self.account = account
        self.key = key
        self.tokenID = tokenID
    }
}

enum APIToken {
    static let prefix = "cnd_"
    static let secretCount = 32
    static let saltCount = 16
    static let info = Array("candor/api-token/v1".utf8)
    /// So that a person can tell their tokens apart; not a secret, not report content.
    static let maxNameLength = 100
    static let maxPerAccount = 20

    /// The token as shown once. The plain copy of the secret made for Base64 is wiped here; the
    /// returned string is the token itself, which the caller shows and drops.
    static func encode(_ secret: SecureBytes) -> String {
        var bytes = secret.unsafeCopyToArray()
        defer { SecureBytes.wipe(&bytes) }
        return prefix + Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// The 32 secret bytes of a well-formed token; nil for anything else.
    static func decode(_ token: String) -> SecureBytes? {
        guard token.hasPrefix(prefix), token.utf8.count == prefix.utf8.count + 43 else { return nil }
        let body = token.dropFirst(prefix.count)
        guard body.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else { return nil }
        let standard = body.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/") + "="
        guard let data = Data(base64Encoded: standard), data.count == secretCount else { return nil }
        var bytes = Array(data)
        defer { SecureBytes.wipe(&bytes) }
        return SecureBytes(bytes)
    }

    static func hash(_ secret: SecureBytes) throws -> [UInt8] {
        var bytes = secret.unsafeCopyToArray()
        defer { SecureBytes.wipe(&bytes) }
        return try SHA256.hash(bytes)
    }

    /// The key that seals the token's copy of the private key: HKDF-SHA256 of the token's bytes
    /// with the row's own salt.
    static func wrappingKey(_ secret: SecureBytes, salt: [UInt8]) throws -> SecureBytes {
        try HKDF.sha256(ikm: secret, salt: salt, info: info, outputCount: AESGCM.keyCount)
    }

    /// Binds the sealed key to its row and its account, so it cannot be moved to another.
    static func associatedData(tokenID: Int64, accountID: Int64) -> [UInt8] {
        Array("candor/api-token/v1|token=\(tokenID)|account=\(accountID)".utf8)
    }
}

extension Ledger {
    /// A token refused before anything is stored: `name` (empty, too long or with control characters) or `limit`
    /// (the account holds the most tokens it may); the description is a word the console translates.
    public struct APITokenProblem: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// Makes a token for the signed-in account, whose private key the session has unlocked.
    /// Returns the token string, to be shown once. Audited (`api_token_create`, the row id only).
    public func createAPIToken(accountID: Int64, key: StaffPrivateKey, name: String) throws -> (id: Int64, token: String) {
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.unicodeScalars.count <= APIToken.maxNameLength,
              !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw APITokenProblem(description: "name")
        }
        let secret = try Random.secureBytes(APIToken.secretCount)
        let hash = try APIToken.hash(secret)
        let salt = try Random.bytes(APIToken.saltCount)
        let wrapping = try APIToken.wrappingKey(secret, salt: salt)
        let privateKey = try key.key.rawRepresentation
        let now = clock()
        let today = Int64(self.today.ordinal)
        let audit = self.audit
        let id = try pool.write { db -> Int64 in
            let count = try db.required("SELECT count(*) AS n FROM api_tokens WHERE account_id = ?", [.integer(accountID)], as: Int.self,
                                        column: "n", table: "api_tokens")
            guard count < APIToken.maxPerAccount else { throw APITokenProblem(description: "limit") }
            // The row id is part of the associated data, so the row comes first and the sealed key
            // is written in the same transaction.
            try db.execute("INSERT INTO api_tokens(account_id, name, token_hash, salt, key_sealed, created_day) VALUES (?, ?, ?, ?, x'', ?)",
                           [.integer(accountID), .text(name), .blob(hash), .blob(salt), .integer(today)])
            let id = db.lastInsertRowID
            let sealed = try AESGCM.seal(privateKey, key: wrapping, associatedData: APIToken.associatedData(tokenID: id, accountID: accountID))
            try db.execute("UPDATE api_tokens SET key_sealed = ? WHERE id = ?", [.blob(sealed), .integer(id)])
            try audit.append(db, actor: "staff:\(accountID)", action: "api_token_create", detail: "token=\(id)", at: now)
            return id
        }
        return (id, APIToken.encode(secret))
    }

    /// The account's tokens, oldest first: name and days only (a token's secret is never stored,
    /// its sealed key never leaves this module).
    public func apiTokens(accountID: Int64) throws -> [APITokenInfo] {
        try pool.read { db in
            try db.query("SELECT id, name, created_day, last_used_day FROM api_tokens WHERE account_id = ? ORDER BY id",
                         [.integer(accountID)]).map { row in
                let r = row.reader(table: "api_tokens")
                return APITokenInfo(id: try r.required("id"), name: try r.required("name"),
                                    createdOn: Day(ordinal: try r.required("created_day")),
                                    lastUsedOn: try r.optional("last_used_day", as: Int.self).map(Day.init(ordinal:)))
            }
        }
    }

    /// Deletes the token and with it the sealed copy of the key. Only the owner revokes its own.
    @discardableResult
    public func revokeAPIToken(id: Int64, accountID: Int64) throws -> Bool {
        let now = clock()
        let audit = self.audit
        return try pool.write { db in
            try db.execute("DELETE FROM api_tokens WHERE id = ? AND account_id = ?", [.integer(id), .integer(accountID)])
            guard db.changes == 1 else { return false }
            try audit.append(db, actor: "staff:\(accountID)", action: "api_token_revoke", detail: "token=\(id)", at: now)
            return true
        }
    }

    /// The account and unlocked key a token speaks for; nil for a malformed, unknown or revoked
    /// token, a disabled account, or a key that does not open. The first use each day is
    /// audited (`api_token_use`); what the request then does is audited by the action itself.
    public func authenticateAPIToken(_ token: String) throws -> APIStaff? {
        guard let secret = APIToken.decode(token) else { return nil }
        let hash = try APIToken.hash(secret)
        let found = try pool.read { db -> (Row, Account)? in
            guard let row = try db.queryOne("""
                SELECT t.id AS token_id, t.salt, t.key_sealed, t.last_used_day, \(Account.columns.split(separator: ",").map { "a." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", "))
                FROM api_tokens t JOIN accounts a ON a.id = t.account_id WHERE t.token_hash = ?
                """, [.blob(hash)]) else { return nil }
            return (row, try Account(row: row))
        }
        guard let (row, account) = found, !account.disabled, account.totpEnrolled else { return nil }
        guard try pool.read({ db in try self.audit.accountSealHolds(db, account.id) }) else {
            try auditAccountTampering(account.id, refused: "api_token")
            return nil
        }
        let r = row.reader(table: "api_tokens")
        let tokenID: Int64 = try r.required("token_id")
        let salt: [UInt8] = try r.required("salt"), sealed: [UInt8] = try r.required("key_sealed")
        guard let raw = try? AESGCM.openSecret(sealed, key: try APIToken.wrappingKey(secret, salt: salt),
                                               associatedData: APIToken.associatedData(tokenID: tokenID, accountID: account.id)),
              let key = try? X25519PrivateKey(rawRepresentation: raw),
              key.publicKey.rawRepresentation == account.publicKey else { return nil }
        let today = Int64(self.today.ordinal)
        if try r.optional("last_used_day", as: Int64.self) != today {
            let now = clock()
            let audit = self.audit
            try pool.write { db in
                try db.execute("UPDATE api_tokens SET last_used_day = ? WHERE id = ? AND last_used_day IS NOT ?",
                               [.integer(today), .integer(tokenID), .integer(today)])
                if db.changes == 1 {
                    try audit.append(db, actor: "staff:\(account.id)", action: "api_token_use", detail: "token=\(tokenID)", at: now)
                }
            }
        }
        return APIStaff(account: account, key: StaffPrivateKey(key), tokenID: tokenID)
    }
}
