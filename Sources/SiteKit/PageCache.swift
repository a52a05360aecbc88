import Casefile
import Casework
import HTTPCore
import Presentation
import Synchronization

/// The pages every visitor gets alike — the landing page, the empty report form, the status and
/// console logins: no session, no form input, no token. Rendering one costs many times more than
/// sending it (the template walk, a copy of the settings, for the form a database read), so each
/// is rendered once per language and per version of what it shows, then only copied. A copy is
/// the bytes a fresh render would give at that version, headers included (`no-store` and the
/// security fields are added when the response is written, as for any other page).
public final class PageCache: Sendable {
    public enum Page: Int, CaseIterable, Sendable {
        case landing, reportForm, statusLogin, consoleLogin
    }

    /// Everything a cached page shows besides the templates and the language.
    struct Version: Equatable, Sendable {
        /// `Ledger.settingsVersion` (organisation, channels, categories).
        var settings: UInt64
        /// The report form's list of handlers a reporter may keep away; empty for other pages.
        var handlers: [Handler] = []
    }

    /// A handler as the report form shows one.
    public struct Handler: Equatable, Sendable {
        public let id: Int64
        public let name: String
        public let role: Role
        public let seat: Seat?
    }

    private struct Entry: Sendable {
        let version: Version
        let response: Response
    }

    private let entries = ReplicatedValue<[Entry?]>(Array(repeating: nil, count: Page.allCases.count * Language.allCases.count))
    private let renderCount = Atomic<Int>(0)
    /// The handler list and the database's `data_version` it was read at.
    private let handlerList = ReplicatedValue<HandlerList?>(nil)

    private struct HandlerList: Sendable {
        let dataVersion: Int64
        let handlers: [Handler]
    }

    /// How many times a page was rendered rather than copied (tests check the cache is used).
    var renders: Int { renderCount.load(ordering: .relaxed) }

    private static func slot(_ page: Page, _ language: Language) -> Int {
        page.rawValue * Language.allCases.count + (language == .zh ? 0 : 1)
    }

    /// The page kept for this language if it was rendered at `version`, else a fresh render,
    /// kept for the next request. Two threads may both render after a change; the last to
    /// finish is kept, and a request that reads a newer version renders again.
    func response(_ page: Page, _ language: Language, version: Version, render: () throws -> Response) throws -> Response {
        let slot = PageCache.slot(page, language)
        if let entry = entries.read()[slot], entry.version == version { return entry.response }
        let fresh = try render()
        renderCount.add(1, ordering: .relaxed)
        entries.update { $0[slot] = Entry(version: version, response: fresh) }
        return fresh
    }

    /// The accounts a reporter may keep away from a report (`Ledger.handlers`), read again only
    /// after a commit: staff accounts change in this process (the admin's pages) and in others
    /// (`candor user`), and `data_version` sees both. The version is read before the list, so a
    /// list is never older than the version it is kept under.
    ///
    /// Under load every request would queue for the one connection that answers `data_version`;
    /// a request that finds another one asking keeps the list of the last answer instead. That
    /// list is as old as the check before the one under way: a commit made while that check runs
    /// shows from the next request that gets to ask (the form was always a snapshot of the moment
    /// it was rendered; the exclusions a report carries are resolved against the roster when it is
    /// submitted).
    public func handlers(_ ledger: Ledger) throws -> [Handler] {
        let last = handlerList.read()
        let asked = try ledger.dataVersionIfIdle()
        if let last, asked == nil || asked == last.dataVersion { return last.handlers }
        let dataVersion = try asked ?? ledger.dataVersion()
        let fresh = try ledger.handlers().map { Handler(id: $0.id, name: $0.displayName, role: $0.role, seat: $0.seat) }
        handlerList.update { $0 = HandlerList(dataVersion: dataVersion, handlers: fresh) }
        return fresh
    }
}

/// A value every request reads and few write, kept in several copies, each behind its own lock.
/// A reader takes the first copy whose lock is free and does not wait. With a single lock, the
/// connection threads (64 under the benchmark, on two cores) queue behind a holder the scheduler
/// preempted, and the kernel then hands the lock from one sleeping thread to the next long after
/// the holder is done: a convoy that cost the cached pages most of their speed.
///
/// A writer updates the copies one after another, so for a moment two readers may see different
/// values; the page cache tolerates that, since what it keeps carries the version it was made at.
final class ReplicatedValue<Value: Sendable>: Sendable {
    private final class Copy: Sendable {
        let value: Mutex<Value>
        init(_ value: Value) { self.value = Mutex(value) }
    }

    private let copies: [Copy]
    private let next = Atomic<Int>(0)

    init(_ value: Value, copies: Int = 8) {
        self.copies = (0..<copies).map { _ in Copy(value) }
    }

    func read() -> Value {
        let start = next.wrappingAdd(1, ordering: .relaxed).oldValue & Int.max
        for i in 0..<copies.count {
            if let value = copies[(start + i) % copies.count].value.withLockIfAvailable({ $0 }) { return value }
        }
        return copies[start % copies.count].value.withLock { $0 }
    }

    func update(_ change: (inout Value) -> Void) {
        for copy in copies { copy.value.withLock { change(&$0) } }
    }
}
