import Casefile
import Casework
import Foundation
import HTTPCore
import Presentation
import Vault

/// The whole web application: the router with its groups and middleware. Built once per server;
/// tests call `router.handle` directly.
public final class GatewayApp: Sendable {
    public let ledger: Ledger
    public let pages: Pages
    public let reporterSessions: ReporterSessions
    public let staffSessions: StaffSessions
    public let apiReporterSessions: APIReporterSessions
    /// Every route registered under `/api/v1`, as the OpenAPI document names them.
    public let apiRoutes: [APIRoute]
    let lookupGate: LookupGateHandle
    public let handler: RouteTable

    public struct Options: Sendable {
        public var demo = false
        public var secureCookies = false
        public var uploads = UploadLimits()
        public var lookupSlots = 1
        public var lookupQueue = 8
        /// Seconds a lookup refused as busy waits before its answer (see `LookupGate`).
        public var lookupTarpit: Double = 1
        public var staffIdleSeconds: Int64 = 30 * 60
        /// The settings file the server loaded; the admin's changes are written back to it.
        public var settingsFile: URL?
        /// `docs/openapi.json`, served at `/api/v1/openapi.json`; nil answers that route 404.
        public var openAPIPath: String?
        public init() {}
    }

    public init(ledger: Ledger, templates: URL, options: Options = Options()) throws {
        self.ledger = ledger
        let library = try TemplateLibrary(directory: templates)
        pages = Pages(library: library, demo: options.demo, settings: { [ledger] in ledger.settings },
                      settingsVersion: { [ledger] in ledger.settingsVersion })
        reporterSessions = ReporterSessions(secureCookie: options.secureCookies, clock: ledger.clock)
        lookupGate = LookupGateHandle(slots: options.lookupSlots, queue: options.lookupQueue, tarpit: options.lookupTarpit)
        staffSessions = StaffSessions(idle: options.staffIdleSeconds, secureCookie: options.secureCookies, clock: ledger.clock)
        apiReporterSessions = APIReporterSessions(clock: ledger.clock)
        let router = Router()
        router.use(APIJSON.errors)
        router.use(GatewayApp.sameOriginPosts)
        router.use(GatewayApp.errorPages(pages))
        router.get("/static/*", handler: try StaticFiles(root: templates.appendingPathComponent("static").path,
                                                          cacheControl: "public, max-age=3600"))
        ReporterRoutes(ledger: ledger, pages: pages, sessions: reporterSessions, gate: lookupGate,
                       limits: options.uploads).register(on: router)
        ConsoleAuthRoutes(ledger: ledger, pages: pages, sessions: staffSessions).register(on: router.group("/console"))
        let console = router.group("/console", middleware: [ConsoleAuthRoutes.requireStaff(staffSessions, pages)])
        ConsoleAdminRoutes(ledger: ledger, pages: pages, sessions: staffSessions, settingsFile: options.settingsFile).register(on: console)
        ConsoleAuditRoutes(ledger: ledger, pages: pages).register(on: console)
        ConsoleCaseRoutes(ledger: ledger, pages: pages, sessions: staffSessions, limits: options.uploads).register(on: console)
        ConsoleOfflineRoutes(ledger: ledger, pages: pages, limits: options.uploads).register(on: console)
        ConsoleStatsRoutes(ledger: ledger, pages: pages).register(on: console)
        APITokenConsoleRoutes(ledger: ledger, pages: pages, sessions: staffSessions).register(on: console)
        apiRoutes = APIRoutes(ledger: ledger, pages: pages, reporterSessions: apiReporterSessions, staffSessions: staffSessions,
                              gate: lookupGate, limits: options.uploads,
                              openAPI: try APIRoutes.loadDocument(options.openAPIPath)).register(on: router)
        ConsoleMailRoutes(ledger: ledger, pages: pages).register(on: console)
        handler = router.makeHandler()
    }

    /// A form posted from another site is refused (CSRF): browsers send `Origin` on POST, and
    /// `Sec-Fetch-Site` where they support it. A request with neither is a non-browser client,
    /// which cannot be made to act with someone else's cookies.
    static let sameOriginPosts: Middleware = { request, next in
        if request.method == .post {
            if let site = request.headers["Sec-Fetch-Site"], site == "cross-site" {
                throw HTTPError(.forbidden, "This form must be sent from this site.")
            }
            if let origin = request.headers["Origin"], origin != "null", let host = request.headers["Host"] {
                let stripped = origin.split(separator: "/", omittingEmptySubsequences: true).dropFirst().first.map(String.init) ?? ""
                guard stripped.lowercased() == host.lowercased() else {
                    throw HTTPError(.forbidden, "This form must be sent from this site.")
                }
            }
        }
        return try next(request)
    }

    /// Where an error page sends the visitor back to: the page the failed form was on.
    static func back(_ request: Request) -> String {
        var path = request.path
        for suffix in ["/evidence", "/reply", "/end"] where path.hasSuffix(suffix) { path = String(path.dropLast(suffix.count)) }
        if let act = path.range(of: "/act/") { path = String(path[..<act.lowerBound]) }
        return path
    }

    static func storageFull(_ pages: Pages, _ request: Request) -> Response {
        var r = pages.error(request, status: .serviceUnavailable, title: "503", message: pages.text("disk_full", request),
                            back: back(request))
        r.headers.set("Retry-After", "600")
        return r
    }

    /// Errors as pages in the visitor's language; nothing of the request is echoed.
    static func errorPages(_ pages: Pages) -> Middleware {
        { request, next in
            do {
                return try next(request)
            } catch let error as HTTPError {
                var r = pages.error(request, status: error.status, title: "\(error.status.code)", message: error.message)
                for field in error.headers { r.headers.set(field.name, field.value) }
                return r
            } catch let error as FormError {
                // A body that does not parse or is over a limit: what to fix, on the form's page.
                return pages.error(request, status: HTTPStatus(error.status), title: pages.text("form_has_errors", request),
                                   message: error.message, back: back(request))
            } catch where Ledger.isStorageFull(error) {
                // The database could not grow (SQLITE_FULL) or the files folder is full: a 503
                // that says so and when to retry, not a bare 500. Nothing was committed.
                return storageFull(pages, request)
            } catch let error as VaultError {
                // A sealed record that fails its authentication tag (or is cut short) is damaged or
                // altered: say so, instead of a bare 500 that reads like a bug. Other cases still open.
                switch error {
                case .authenticationFailed, .malformedInput:
                    return pages.error(request, status: .internalServerError, title: pages.text("record_damaged_title", request),
                                       message: pages.text("record_damaged", request), back: request.path.hasPrefix("/console") ? "/console" : "/")
                default:
                    throw error
                }
            }
        }
    }
}
