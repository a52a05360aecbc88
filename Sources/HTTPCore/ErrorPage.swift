/// The short plain-text pages the server sends on its own behalf. They never contain request
/// data, so nothing a client sends is reflected back.
enum ErrorPage {
    static func response(_ status: HTTPStatus, _ message: String? = nil) -> Response {
        Response.text((message ?? status.reason) + "\n", status: status)
    }

    static let internalError = response(.internalServerError)
}
