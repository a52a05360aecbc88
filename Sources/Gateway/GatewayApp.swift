import Casefile
import ConsoleSite
import Foundation
import HTTPCore
import Presentation
import ReporterSite
import SiteKit

/// The whole web application: the router with its groups and middleware. Built once per server;
/// tests call `router.handle` directly.
public final class GatewayApp: Sendable {
    public let ledger: Ledger
    public let pages: Pages
    public let reporterSessions: ReporterSessions
    /// Submission tokens and receipts not yet shown (post-redirect-get of the report form).
    public let submissions: SubmissionDesk
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
        /// Seconds a reporter's status session lasts without a request (sliding). Only tests and
        /// the end-to-end run shorten it (`CANDOR_REPORTER_SESSION_SECONDS`).
        public var reporterIdleSeconds: Int64 = 15 * 60
        /// The settings file the server loaded; the admin's changes are written back to it.
        public var settingsFile: URL?
        /// `docs/openapi.json`, served at `/api/v1/openapi.json`; nil answers that route 404.
        public var openAPIPath: String?
        /// The onion service's address (http://….onion), sent as `Onion-Location`; nil sends none.
        public var onionLocation: String?
        public init() {}
    }

    public init(ledger: Ledger, templates: URL, options: Options = Options()) throws {
        self.ledger = ledger
        let library = try TemplateLibrary(directory: templates)
        pages = Pages(library: library, demo: options.demo, settings: { [ledger] in ledger.settings },
                      settingsVersion: { [ledger] in ledger.settingsVersion })
        reporterSessions = ReporterSessions(lifetime: options.reporterIdleSeconds, secureCookie: options.secureCookies,
                                            clock: ledger.clock)
        submissions = SubmissionDesk(secureCookie: options.secureCookies, clock: ledger.clock)
        lookupGate = LookupGateHandle(slots: options.lookupSlots, queue: options.lookupQueue, tarpit: options.lookupTarpit)
        staffSessions = StaffSessions(idle: options.staffIdleSeconds, secureCookie: options.secureCookies, clock: ledger.clock)
        apiReporterSessions = APIReporterSessions(clock: ledger.clock)
        let router = Router()
        if let onion = options.onionLocation { router.use(OnionLocation.middleware(onion)) }
        router.use(APIJSON.errors)
        router.use(SameOrigin.posts)
        router.use(ErrorPages.middleware(pages))
        Health.register(on: router, ledger: ledger)
        router.get("/static/*", handler: try StaticFiles(root: templates.appendingPathComponent("static").path,
                                                          cacheControl: "public, max-age=3600"))
        ReporterRoutes(ledger: ledger, pages: pages, sessions: reporterSessions, gate: lookupGate,
                       limits: options.uploads, submissions: submissions).register(on: router)
        ConsoleAuthRoutes(ledger: ledger, pages: pages, sessions: staffSessions).register(on: router.group("/console"))
        let console = router.group("/console", middleware: [ConsoleAuthRoutes.requireStaff(staffSessions, pages)])
        ConsoleAdminRoutes(ledger: ledger, pages: pages, sessions: staffSessions, settingsFile: options.settingsFile).register(on: console)
        ConsoleAuditRoutes(ledger: ledger, pages: pages).register(on: console)
        ConsolePrintRoutes(ledger: ledger, pages: pages).register(on: console)
        ConsoleCaseRoutes(ledger: ledger, pages: pages, sessions: staffSessions, limits: options.uploads,
                          gate: lookupGate).register(on: console)
        ConsoleOfflineRoutes(ledger: ledger, pages: pages, limits: options.uploads).register(on: console)
        ConsoleStatsRoutes(ledger: ledger, pages: pages).register(on: console)
        APITokenConsoleRoutes(ledger: ledger, pages: pages, sessions: staffSessions).register(on: console)
        apiRoutes = APIRoutes(ledger: ledger, pages: pages, reporterSessions: apiReporterSessions, staffSessions: staffSessions,
                              gate: lookupGate, limits: options.uploads,
                              openAPI: try OpenAPIDocument.load(options.openAPIPath)).register(on: router)
        ConsoleMailRoutes(ledger: ledger, pages: pages).register(on: console)
        handler = router.makeHandler()
    }
}
