import Casework
import HTTPCore
import Synchronization

/// The pages every visitor gets alike — the landing page, the empty report form, the status and
/// console logins: no session, no form input, no token. Rendering one costs many times more than
/// sending it (the template walk, a copy of the settings, for the form a database read), so each
/// is rendered once per language and per version of what it shows, then only copied. A copy is
/// the bytes a fresh render would give at that version, headers included (`no-store` and the
/// security fields are added when the response is written, as for any other page).
public final class PageCache: Sendable {
    enum Page: Int, CaseIterable, Sendable {
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
    struct Handler: Equatable, Sendable {
        let id: Int64
        let name: String
        let role: Role
        let seat: Seat?
    }

    private struct Entry: Sendable {
        let version: Version
        let response: Response
    }

    private let entries = Mutex<[Entry?]>(Array(repeating: nil, count: Page.allCases.count * Language.allCases.count))
    private let renderCount = Atomic<Int>(0)
    /// The handler list and the database's `data_version` it was read at.
    private let handlerList = Mutex<(dataVersion: Int64, handlers: [Handler])?>(nil)

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
        if let entry = entries.withLock({ $0[slot] }), entry.version == version { return entry.response }
        let fresh = try render()
        renderCount.add(1, ordering: .relaxed)
        entries.withLock { $0[slot] = Entry(version: version, response: fresh) }
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
    func handlers(_ ledger: Ledger) throws -> [Handler] {
        let last = handlerList.withLock { $0 }
        let asked = try ledger.pool.dataVersionIfIdle()
        if let last, asked == nil || asked == last.dataVersion { return last.handlers }
        let dataVersion = try asked ?? ledger.pool.dataVersion()
        let fresh = try ledger.handlers().map { Handler(id: $0.id, name: $0.displayName, role: $0.role, seat: $0.seat) }
        handlerList.withLock { $0 = (dataVersion, fresh) }
        return fresh
    }
}
