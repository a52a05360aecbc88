import Casefile
import Foundation
import HTTPCore
import SiteKit
import Vault

/// A reporter's session after entering a tracking code: the case key stays in server memory
/// for at most `lifetime` seconds of inactivity, under a random session id held only in an
/// HttpOnly, SameSite=Strict cookie scoped to `/status`. The tracking code is not kept.
public final class ReporterSessions: Sendable {
    struct Entry: Sendable {
        let reporter: ReporterCase
        let csrf: String
        var flash: String?
    }

    private let table: SessionTable<Entry>
    let secureCookie: Bool
    static let cookieName = "candor_status"

    public init(lifetime: Int64 = 15 * 60, secureCookie: Bool, clock: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }) {
        table = SessionTable(idle: lifetime, clock: clock)
        self.secureCookie = secureCookie
    }

    func create(_ reporter: ReporterCase) throws -> SetCookie {
        let id = try table.create(Entry(reporter: reporter, csrf: hex(try Random.bytes(16))))
        // No Max-Age: a session cookie stays in the browser's memory and is never written to its
        // disk, where it would outlive the visit on a shared or seized computer.
        return SessionTable<Entry>.cookie(name: ReporterSessions.cookieName, id: id, path: "/status", secure: secureCookie)
    }

    /// The live session for this request; nil when absent or expired.
    func current(_ request: Request) -> (id: String, entry: Entry)? {
        guard let id = request.cookies[ReporterSessions.cookieName], let entry = table.touch(id) else { return nil }
        return (id, entry)
    }

    /// The live entry under a session id just handed out (`create`'s cookie value).
    func entry(_ id: String) -> (id: String, entry: Entry)? { table.touch(id).map { (id, $0) } }

    /// Seconds of inactivity a session lasts; each request pushes its end forward.
    public var lifetime: Int64 { table.idle }

    func setFlash(_ id: String, _ text: String?) { table.update(id) { $0.flash = text } }

    func takeFlash(_ id: String) -> String? {
        var text: String?
        table.update(id) { text = $0.flash; $0.flash = nil }
        return text
    }

    func end(_ id: String) { table.end(id) }

    var count: Int { table.count }

    func expiredCookie() -> SetCookie {
        var c = SetCookie.expired(name: ReporterSessions.cookieName, path: "/status")
        c.secure = secureCookie
        return c
    }
}
