import Casefile
import Casework
import Foundation
import HTTPCore
import Presentation

/// Renders pages with what every page needs: language, the switch link, the organisation, the
/// demo banner. Templates escape; this only assembles context.
public struct Pages: Sendable {
    public let library: TemplateLibrary
    let demo: Bool
    let settings: @Sendable () -> Settings
    /// Goes up whenever `settings` may give something new (see `Ledger.settingsVersion`).
    let settingsVersion: @Sendable () -> UInt64
    public let cache = PageCache()

    public init(library: TemplateLibrary, demo: Bool, settings: @escaping @Sendable () -> Settings,
                settingsVersion: @escaping @Sendable () -> UInt64) {
        self.library = library
        self.demo = demo
        self.settings = settings
        self.settingsVersion = settingsVersion
    }

    public func language(_ request: Request) -> Language { Language(code: request.queryValue("lang")) }

    public func render(_ name: String, _ request: Request, title: String, status: HTTPStatus = .ok,
                _ context: [String: TemplateValue] = [:]) throws -> Response {
        let language = language(request)
        let other: Language = language == .zh ? .en : .zh
        var full = context
        full["title"] = .text(title)
        full["demo"] = .bool(demo)
        full["zh_page"] = .bool(language == .zh)
        full["organisation"] = .text(settings().organisation)
        // After a form post the page's own address may not answer GET (a case action); the
        // switch then points at the page the form was on.
        let path = request.method == .get ? request.path : ErrorPages.back(request)
        full["switch_url"] = .text(path + "?lang=" + other.rawValue + Pages.keptQuery(request))
        full["switch_lang"] = .text(other.rawValue)
        let html = try library.render(name, language: language, context: .object(full))
        var response = Response.html(html, status: status)
        response.headers.set("Content-Language", language == .zh ? "zh-CN" : "en")
        return response
    }

    /// The console's list views carry their filters, order and page in the URL; switching the
    /// language keeps them. Only on the console's GET pages: a reporter's page never puts
    /// anything in its address worth keeping, and nothing else is copied.
    static func keptQuery(_ request: Request) -> String {
        guard request.method == .get, request.path.hasPrefix("/console") else { return "" }
        return request.query.filter { $0.name != "lang" }.map { "&" + queryEscaped($0.name) + "=" + queryEscaped($0.value) }.joined()
    }

    /// `text` as one name or value of a query string: all but letters, digits and `-_.` escaped.
    public static func queryEscaped(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-_.")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    /// A page that is the same for every request at `path` in a language while the settings
    /// (and `handlers`, for the report form) stay the same: `render` runs on the first request
    /// and after a change; other requests get the kept copy. The address is part of the page
    /// (the language switch links to it): a request's path is rebuilt from its segments, so every
    /// spelling the route matches (`/report/`, `//report`) is `path`; anything else renders afresh.
    public func cached(_ page: PageCache.Page, at path: String, _ request: Request, handlers: [PageCache.Handler] = [],
                render: () throws -> Response) throws -> Response {
        guard request.path == path else { return try render() }
        // The version before the render: a render is never older than the version it is kept under.
        let version = PageCache.Version(settings: settingsVersion(), handlers: handlers)
        return try cache.response(page, language(request), version: version, render: render)
    }

    public func text(_ key: String, _ request: Request) -> String { library.text(key, language(request)) }

    /// A page for an error the person can act on: what went wrong and what to do.
    public func error(_ request: Request, status: HTTPStatus, title: String, message: String, back: String = "/") -> Response {
        let back = back + (back.contains("?") ? "&" : "?") + "lang=" + language(request).rawValue
        if let page = try? render("error", request, title: title, status: status,
                                  ["message": .text(message), "back": .text(back)]) {
            return page
        }
        return Response.text("\(title)\n\(message)\n", status: status)
    }
}
