import Casefile
import ConsoleSite
import Foundation
import HTTPCore
import ReporterSite
import SiteKit

/// Everything under `/api/v1`: the reporter's side, the staff tools behind token (or console
/// session) auth, and the OpenAPI document. Returns the routes it registered, which the app
/// exposes so a test can hold them against `docs/openapi.json`.
struct APIRoutes {
    static let prefix = "/api/v1"

    let ledger: Ledger
    let pages: Pages
    let reporterSessions: APIReporterSessions
    let staffSessions: StaffSessions
    let gate: LookupGateHandle
    let limits: UploadLimits
    let openAPI: [UInt8]?

    func register(on router: Router) -> [APIRoute] {
        let open = APIRouteRecorder(group: router.group(APIRoutes.prefix, middleware: [APIJSON.errors, APIJSON.localised(pages.library)]), prefix: APIRoutes.prefix)
        OpenAPIDocument.register(openAPI, on: open)
        APIReporterRoutes(ledger: ledger, pages: pages, sessions: reporterSessions, gate: gate, limits: limits).register(on: open)
        let staff = APIRouteRecorder(group: router.group(APIRoutes.prefix, middleware: [APIJSON.errors, APIJSON.localised(pages.library),
                                                                                        APIStaffAuth.middleware(ledger: ledger, sessions: staffSessions)]),
                                     prefix: APIRoutes.prefix)
        APIStaffRoutes(ledger: ledger, pages: pages, gate: gate).register(on: staff)
        return open.routes + staff.routes
    }
}
