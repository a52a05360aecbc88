import Casefile
import Foundation
import HTTPCore
import Synchronization
import Vault

/// Server-side sessions: 256-bit random ids handed out in cookies, stored only as their SHA-256
/// (a memory dump yields no usable cookie), expiring after `idle` seconds without use. What an
/// entry holds (a case key, a private key) is dropped, and so wiped, when it expires or ends.
public final class SessionTable<Entry: Sendable>: Sendable {
    private struct Slot: Sendable {
        var entry: Entry
        var expires: Int64
    }

    private let slots = Mutex<[String: Slot]>([:])
    public let idle: Int64
    let clock: @Sendable () -> Int64

    public init(idle: Int64, clock: @escaping @Sendable () -> Int64) {
        self.idle = idle
        self.clock = clock
    }

    static func key(_ id: String) -> String { hex((try? SHA256.hash(Array(id.utf8))) ?? []) }

    /// A new id for `entry`. `replacing` removes other sessions the predicate picks (one active
    /// session per account).
    public func create(_ entry: Entry, replacing: ((Entry) -> Bool)? = nil) throws -> String {
        let id = hex(try Random.bytes(32))
        let now = clock()
        slots.withLock { table in
            table = table.filter { $0.value.expires > now && !(replacing?($0.value.entry) ?? false) }
            table[SessionTable.key(id)] = Slot(entry: entry, expires: now + idle)
        }
        return id
    }

    /// The live entry for `id`, its expiry pushed forward; nil when unknown or expired.
    public func touch(_ id: String) -> Entry? {
        let now = clock()
        return slots.withLock { table -> Entry? in
            let key = SessionTable.key(id)
            guard var slot = table[key] else { return nil }
            guard slot.expires > now else {
                table[key] = nil
                return nil
            }
            slot.expires = now + idle
            table[key] = slot
            return slot.entry
        }
    }

    public func update(_ id: String, _ change: (inout Entry) -> Void) {
        slots.withLock { table in
            let key = SessionTable.key(id)
            if var slot = table[key] {
                change(&slot.entry)
                table[key] = slot
            }
        }
    }

    public func end(_ id: String) {
        _ = slots.withLock { $0.removeValue(forKey: SessionTable.key(id)) }
    }

    public func endAll(where predicate: (Entry) -> Bool) {
        slots.withLock { table in table = table.filter { !predicate($0.value.entry) } }
    }

    /// The cookie that carries a session id: HttpOnly, SameSite=Strict, limited to `path`, and
    /// Secure when served over TLS. No Max-Age unless asked: a session cookie stays in memory and
    /// is not written to the browser's disk.
    public static func cookie(name: String, id: String, path: String, secure: Bool, maxAge: Int? = nil) -> SetCookie {
        var cookie = SetCookie(name: name, value: id)
        cookie.path = path
        cookie.maxAge = maxAge
        cookie.secure = secure
        cookie.httpOnly = true
        cookie.sameSite = .strict
        return cookie
    }

    public var count: Int { slots.withLock { $0.count } }
}

/// Form tokens against cross-site requests, compared in constant time: how much of a guess
/// matches must not show in how long the refusal takes.
public enum CSRF {
    public static func matches(_ given: String?, _ expected: String) -> Bool {
        guard let given else { return false }
        return ConstantTime.equals(Array(given.utf8), Array(expected.utf8))
    }
}
