import Casefile
import HTTPCore
import Vault

/// Thrown errors become pages in the visitor's language, for both sites.
public enum ErrorPages {
    /// Where an error page sends the visitor back to: the page the failed form was on.
    public static func back(_ request: Request) -> String {
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

    static func page(_ error: StatusError, _ pages: Pages, _ request: Request) -> Response {
        let language = pages.language(request)
        let title = error.title?.resolved(pages.library, language) ?? "\(error.status.code)"
        var r = pages.error(request, status: error.status, title: title, message: error.message.resolved(pages.library, language),
                            back: error.back ?? back(request))
        for field in error.headers { r.headers.set(field.name, field.value) }
        return r
    }

    /// Errors as pages in the visitor's language; nothing of the request is echoed.
    public static func middleware(_ pages: Pages) -> Middleware {
        { request, next in
            do {
                return try next(request)
            } catch let error as HTTPError {
                var r = pages.error(request, status: error.status, title: "\(error.status.code)", message: error.message)
                for field in error.headers { r.headers.set(field.name, field.value) }
                return r
            } catch let error as StatusError {
                return page(error, pages, request)
            } catch let error as FormError {
                // A body that does not parse or is over a limit: what to fix, on the form's page.
                // Said for a person in the page's language; the parser's own text is for developers.
                return pages.error(request, status: HTTPStatus(error.status), title: pages.text("form_has_errors", request),
                                   message: pages.text(error.status == 413 ? "form_too_large" : "form_unreadable", request),
                                   back: back(request))
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
