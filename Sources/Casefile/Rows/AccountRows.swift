import Casework
import SQLiteDB

extension Account {
    /// Decodes an `accounts` row selected with `Account.columns` (prefixed or not). Every query
    /// that reads an account reads it through here.
    init(row: Row) throws {
        let r = row.reader(table: "accounts")
        self.init(id: try r.required("id"), login: try r.required("login"), displayName: try r.required("display_name"),
                  employeeID: try r.optional("employee_id"), role: try r.required("role", as: Role.self),
                  seat: try r.optional("seat", as: Seat.self), publicKey: try r.required("public_key"),
                  totpEnrolled: try r.required("totp_enrolled"), disabled: try r.required("disabled"),
                  email: try r.optional("email"), notify: try r.required("notify", as: NotifyPreference.self),
                  readingPending: try r.required("reading_pending"), post: try r.optional("post"))
    }
}

/// What a login checks beyond the account itself: the password hash, the encrypted private
/// key, the sealed TOTP secret (nil until enrolled) and the lock-out state.
struct AccountCredentials: Sendable {
    static let columns = "password_hash, private_key_enc, totp_secret_sealed, failed_logins, locked_until, totp_last_counter"

    let passwordHash: String
    let encryptedKey: [UInt8]
    let totpSecretSealed: [UInt8]?
    let failedLogins: Int
    let lockedUntil: Int64
    let totpLastCounter: Int64

    init(row: Row) throws {
        let r = row.reader(table: "accounts")
        passwordHash = try r.required("password_hash")
        encryptedKey = try r.required("private_key_enc")
        totpSecretSealed = try r.optional("totp_secret_sealed")
        failedLogins = try r.required("failed_logins")
        lockedUntil = try r.required("locked_until")
        totpLastCounter = try r.required("totp_last_counter")
    }
}
