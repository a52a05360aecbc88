import Casefile
import Foundation
import HTTPCore

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
        let open = APIRouteRecorder(group: router.group(APIRoutes.prefix, middleware: [APIJSON.errors]), prefix: APIRoutes.prefix)
        let document = openAPI
        open.on(.get, "/openapi.json") { _ in
            guard let document else { throw APIError(.notFound, "This server was started without its OpenAPI document.") }
            return Response.bytes(document, contentType: APIJSON.mediaType)
        }
        APIReporterRoutes(ledger: ledger, pages: pages, sessions: reporterSessions, gate: gate, limits: limits).register(on: open)
        let staff = APIRouteRecorder(group: router.group(APIRoutes.prefix, middleware: [APIJSON.errors,
                                                                                        APIStaffAuth.middleware(ledger: ledger, sessions: staffSessions)]),
                                     prefix: APIRoutes.prefix)
        APIStaffRoutes(ledger: ledger, pages: pages).register(on: staff)
        return open.routes + staff.routes
    }

    /// The document, read once at start; a path that cannot be read or is not JSON stops the
    /// start rather than serving a broken contract.
    static func loadDocument(_ path: String?) throws -> [UInt8]? {
        struct DocumentError: Error, CustomStringConvertible { let description: String }
        guard let path else { return nil }
        guard let data = FileManager.default.contents(atPath: path), (try? JSONSerialization.jsonObject(with: data)) is [String: Any] else {
            throw DocumentError(description: "openapi: cannot read a JSON object from \(path); pass --openapi")
        }
        return Array(data)
    }
}
