import Casefile
import HTTPCore
import SiteKit
import Vault

enum APIStaffKey: RequestStorageKey {
    typealias Value = APIStaff
}

extension Request {
    var apiStaff: APIStaff? { storage[APIStaffKey.self] }
}

/// Who may call the staff API: a bearer API token (`cnd_…`), or the console's own cookie
/// session with its CSRF token in `X-CSRF-Token` on anything but GET — a cookie is sent by the
/// browser on its own, a header is not, so a forged cross-site request cannot carry it.
public enum APIStaffAuth {
    public static func middleware(ledger: Ledger, sessions: StaffSessions) -> Middleware {
        { request, next in
            if let token = APIBearer.token(request) {
                guard let staff = try ledger.authenticateAPIToken(token) else {
                    throw APIError.unauthorized("This API token is not valid: it was revoked, its account is disabled, or it was mistyped.")
                }
                request.storage[APIStaffKey.self] = staff
                return try next(request)
            }
            guard let (_, session) = sessions.current(request), session.enrolled else {
                throw APIError.unauthorized("Send an API token as 'Authorization: Bearer cnd_…' (create one at /console/tokens).")
            }
            if request.method != .get && request.method != .head {
                guard let csrf = request.headers["X-CSRF-Token"],
                      ConstantTime.equals(Array(csrf.utf8), Array(session.csrf.utf8)) else {
                    throw APIError(.forbidden, "A console session must send its CSRF token in the X-CSRF-Token header.")
                }
            }
            request.storage[APIStaffKey.self] = APIStaff(account: session.account, key: session.key, tokenID: nil)
            return try next(request)
        }
    }
}
