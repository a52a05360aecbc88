import Casefile
import Courier
import Foundation

extension Ledger {
    /// Sets (or, with nil, removes) the address a staff member's notices go to, and how often.
    /// The address must parse as one mailbox (RFC 5321 via Courier), so no header can be
    /// smuggled into a notice; the audit entry records the preference, not the address.
    public func setNotification(login: String, email: String?, notify: NotifyPreference, actor: String) throws {
        let address: String?
        if let email {
            do { address = try MailAddress(email).value } catch let error as CourierError {
                throw AccountProblem(description: error.description)
            }
        } else {
            address = nil
        }
        try storeNotification(login: login, address: address, notify: notify, actor: actor)
    }
}
