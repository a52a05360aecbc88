/// Code around a handler: it may act before calling `next`, replace the response after, or
/// answer alone (a login check). Errors it throws become responses like a handler's.
public typealias Middleware = @Sendable (_ request: Request, _ next: (Request) throws -> Response) throws -> Response

/// A route's handler.
public typealias RouteHandler = @Sendable (Request) throws -> Response

/// Runs `chain[index...]` around `last` without allocating: the `next` closures are non-escaping.
func runMiddleware(_ chain: [Middleware], _ index: Int, _ request: Request,
                   _ last: (Request) throws -> Response) throws -> Response {
    if index == chain.count { return try last(request) }
    return try chain[index](request) { try runMiddleware(chain, index + 1, $0, last) }
}
