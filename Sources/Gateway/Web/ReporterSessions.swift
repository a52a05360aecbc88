import Foundation
import HTTPCore
import Synchronization
import Vault

/// A reporter's session after entering a tracking code: the case key stays in server memory
/// for at most `lifetime` seconds of inactivity, under a random session id held only in an
/// HttpOnly, SameSite=Strict cookie scoped to `/status`. The tracking code is not kept. The
/// table is keyed by the id's SHA-256, so even a memory dump does not yield usable cookies.
public final class ReporterSessions: Sendable {
    struct Entry: Sendable {
        let reporter: ReporterCase
        let csrf: String
        var expires: Int64
        var flash: String?
    }

    private let entries = Mutex<[String: Entry]>([:])
    let lifetime: Int64
    let secureCookie: Bool
    let clock: @Sendable () -> Int64
    static let cookieName = "candor_status"

    public init(lifetime: Int64 = 15 * 60, secureCookie: Bool, clock: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }) {
        self.lifetime = lifetime
        self.secureCookie = secureCookie
        self.clock = clock
    }

    static func key(_ id: String) -> String {
        hex((try? SHA256.hash(Array(id.utf8))) ?? [])
    }

    func create(_ reporter: ReporterCase) throws -> (cookie: SetCookie, entry: Entry) {
        let id = hex(try Random.bytes(32))
        let entry = Entry(reporter: reporter, csrf: hex(try Random.bytes(16)), expires: clock() + lifetime)
        let now = clock()
        entries.withLock { table in
            table = table.filter { $0.value.expires > now }
            table[ReporterSessions.key(id)] = entry
        }
        var cookie = SetCookie(name: ReporterSessions.cookieName, value: id)
        cookie.path = "/status"
        cookie.maxAge = Int(lifetime)
        cookie.secure = secureCookie
        cookie.httpOnly = true
        cookie.sameSite = .strict
        return (cookie, entry)
    }

    /// The live session for this request, its expiry pushed forward; nil when absent or expired.
    func current(_ request: Request) -> (id: String, entry: Entry)? {
        guard let id = request.cookies[ReporterSessions.cookieName] else { return nil }
        let now = clock()
        return entries.withLock { table -> (String, Entry)? in
            let key = ReporterSessions.key(id)
            guard var entry = table[key] else { return nil }
            guard entry.expires > now else {
                table[key] = nil
                return nil
            }
            entry.expires = now + lifetime
            table[key] = entry
            return (id, entry)
        }
    }

    func setFlash(_ id: String, _ text: String?) {
        entries.withLock { $0[ReporterSessions.key(id)]?.flash = text }
    }

    func takeFlash(_ id: String) -> String? {
        entries.withLock { table in
            let key = ReporterSessions.key(id)
            let text = table[key]?.flash
            table[key]?.flash = nil
            return text
        }
    }

    func end(_ id: String) {
        _ = entries.withLock { $0.removeValue(forKey: ReporterSessions.key(id)) }
    }

    var count: Int { entries.withLock { $0.count } }

    func expiredCookie() -> SetCookie {
        var c = SetCookie.expired(name: ReporterSessions.cookieName, path: "/status")
        c.secure = secureCookie
        return c
    }
}
