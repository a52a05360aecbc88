import Courier
import Foundation
import SQLiteDB

extension Ledger {
    /// Sets (or, with nil, removes) the address a staff member's notices go to, and how often.
    /// The audit entry records the preference, not the address.
    public func setNotification(login: String, email: String?, notify: NotifyPreference, actor: String) throws {
        let address: String?
        if let email {
            do { address = try MailAddress(email).value } catch let error as CourierError {
                throw AccountProblem(description: error.description)
            }
        } else {
            address = nil
        }
        let now = clock()
        let audit = self.audit
        try pool.write { db in
            try db.execute("UPDATE accounts SET email = ?, notify = ? WHERE login = ?",
                           [address.map(SQLValue.text) ?? .null, .text(notify.rawValue), .text(login)])
            guard db.changes == 1 else { throw AccountProblem(description: "no account with the login '\(login)'") }
            let id = try db.scalar("SELECT id FROM accounts WHERE login = ?", [.text(login)], as: Int64.self) ?? 0
            try audit.append(db, actor: actor, action: "account_notify",
                             detail: "account=\(id) notify=\(notify.rawValue) address=\(address == nil ? "none" : "set")", at: now)
        }
    }
}
