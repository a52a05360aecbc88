import Casework
import SQLiteDB
import Vault

/// A staff account as the database holds it. The private key is here only encrypted under the
/// account's password; it is unlocked into a session at login.
public struct Account: Sendable, Equatable {
    public var id: Int64
    public var login: String
    public var displayName: String
    public var employeeID: String?
    public var role: Role
    public var seat: Seat?
    public var publicKey: [UInt8]
    public var totpEnrolled: Bool
    public var disabled: Bool
    /// Where notices go; nil: none are sent.
    public var email: String?
    public var notify: NotifyPreference
    /// A change of this account's reading power (made a reader, enabled, password reset) awaits a
    /// second reader's confirmation: until then it holds nothing new (`Grants` refuses it).
    public var readingPending: Bool = false


    /// The post as the company writes it (财务部经理), matched against the posts a report names
    /// (art. 10); nil when never entered.
    public var post: String? = nil


    /// The row is as the ledger last wrote it (`RosterSeal`). False until a ledger loader checked
    /// it: an account read any other way holds no grant (`Grants.refusal`).
    var rosterSealHolds: Bool = false

    /// What `init(row:)` (Rows/AccountRows.swift) reads.
    static let columns = "id, login, display_name, employee_id, role, seat, public_key, totp_enrolled, disabled, email, notify, reading_pending, post"

    var rosterEntry: RosterEntry {
        RosterEntry(accountID: id, name: displayName, employeeID: employeeID, role: role, seat: seat, post: post)
    }

    func x25519PublicKey() throws -> X25519PublicKey { try X25519PublicKey(rawRepresentation: publicKey) }
}
