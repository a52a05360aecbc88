import Casefile
import Casework
import Foundation
import HTTPCore
import SiteKit
import Vault

/// A signed-in staff member: the account, the private key unlocked at login (wiped when the
/// session ends or expires, since this is its last reference), the CSRF token of every form.
public struct StaffSession: Sendable {
    public let account: Account
    let key: StaffPrivateKey
    let csrf: String
    /// Until TOTP is enrolled the session may do nothing but enrol.
    var enrolled: Bool
    /// The secret shown during enrolment, until confirmed.
    var pendingSecret: SecureBytes?
    var flash: String?
    /// The accused of every case this head holds, opened with their key on the first case page
    /// they open and kept here only, for the related-reports list (issue 16); gone with the session.
    var accusedIndex: AccusedIndex? = nil
}

/// The console's sessions: one active session per account, 30 minutes idle by default, a new
/// id at every login (so an id planted before login is worthless), cookie scoped to `/console`.
public final class StaffSessions: Sendable {
    let table: SessionTable<StaffSession>
    let secureCookie: Bool
    static let cookieName = "candor_staff"

    public init(idle: Int64 = 30 * 60, secureCookie: Bool, clock: @escaping @Sendable () -> Int64) {
        table = SessionTable(idle: idle, clock: clock)
        self.secureCookie = secureCookie
    }

    func begin(_ unlock: StaffUnlock) throws -> SetCookie {
        let session = StaffSession(account: unlock.account, key: unlock.key, csrf: hex(try Random.bytes(32)),
                                   enrolled: unlock.totpEnrolled, pendingSecret: nil, flash: nil)
        let id = try table.create(session, replacing: { $0.account.id == unlock.account.id })
        return SessionTable<StaffSession>.cookie(name: StaffSessions.cookieName, id: id, path: "/console", secure: secureCookie)
    }

    func current(_ request: Request) -> (id: String, session: StaffSession)? {
        guard let id = request.cookies[StaffSessions.cookieName], let s = table.touch(id) else { return nil }
        return (id, s)
    }

    func update(_ id: String, _ change: (inout StaffSession) -> Void) { table.update(id, change) }
    func end(_ id: String) { table.end(id) }

    /// Disabling an account or resetting its password ends its session at once.
    public func endSessions(of accountID: Int64) { table.endAll { $0.account.id == accountID } }

    func expiredCookie() -> SetCookie {
        var c = SetCookie.expired(name: StaffSessions.cookieName, path: "/console")
        c.secure = secureCookie
        return c
    }
}

/// What the console middleware attaches to a request.
enum StaffKey: RequestStorageKey {
    typealias Value = StaffContext
}

struct StaffContext: Sendable {
    let id: String
    let session: StaffSession
    var account: Account { session.account }
}

extension Request {
    var staff: StaffContext? { storage[StaffKey.self] }
}
