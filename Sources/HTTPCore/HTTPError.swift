/// Thrown by a handler or middleware to answer with `status` and a short plain-text page.
public struct HTTPError: Error, Sendable, CustomStringConvertible {
    public let status: HTTPStatus
    public let message: String
    public var headers: HTTPHeaders

    public init(_ status: HTTPStatus, _ message: String? = nil, headers: HTTPHeaders = [:]) {
        self.status = status
        self.message = message ?? status.reason
        self.headers = headers
    }

    public var description: String { "\(status.code) \(message)" }

    /// The page this error becomes.
    public var response: Response {
        var r = Response.text(message + "\n", status: status)
        for f in headers { r.headers.add(f.name, f.value) }
        return r
    }
}
