import Casefile
import Foundation
import HTTPCore
import SiteKit

/// A reporter's API session: the same 15-minute, in-memory session as the status page's, held
/// under a bearer token instead of a cookie. The token is the session id (256 random bits,
/// stored only as its SHA-256 by `SessionTable`); the tracking code is not kept. A bearer token
/// is not sent by a browser on its own, so these routes need no CSRF token.
public final class APIReporterSessions: Sendable {
    private let table: SessionTable<ReporterCase>

    public init(lifetime: Int64 = 15 * 60, clock: @escaping @Sendable () -> Int64) {
        table = SessionTable(idle: lifetime, clock: clock)
    }

    var lifetime: Int64 { table.idle }

    func create(_ reporter: ReporterCase) throws -> String { try table.create(reporter) }

    /// The live session named by `Authorization: Bearer …`; nil when absent, unknown or expired.
    func current(_ request: Request) -> (token: String, reporter: ReporterCase)? {
        guard let token = APIBearer.token(request), let reporter = table.touch(token) else { return nil }
        return (token, reporter)
    }

    func end(_ token: String) { table.end(token) }

    var count: Int { table.count }
}
