import Foundation
import SQLiteDB

extension Ledger {
    /// Sets (or, with nil, removes) the address a staff member's notices go to, and how often,
    /// in one transaction with its audit entry, which records the preference, not the address.
    /// The address is stored as given: the caller has checked it is one address and nothing
    /// more (`setNotification` in Gateway does, with Courier's parser). Throws `AccountProblem`
    /// when no account has the login.
    public func storeNotification(login: String, address: String?, notify: NotifyPreference, actor: String) throws {
        let now = clock()
        let audit = self.audit
        try pool.write { db in
            try db.execute("UPDATE accounts SET email = ?, notify = ? WHERE login = ?",
                           [address.map(SQLValue.text) ?? .null, .text(notify.rawValue), .text(login)])
            guard db.changes == 1 else { throw AccountProblem(description: "no account with the login '\(login)'") }
            let id = try db.required("SELECT id FROM accounts WHERE login = ?", [.text(login)], as: Int64.self, column: "id", table: "accounts")
            try audit.append(db, actor: actor, action: "account_notify",
                             detail: "account=\(id) notify=\(notify.rawValue) address=\(address == nil ? "none" : "set")", at: now)
        }
    }
}
