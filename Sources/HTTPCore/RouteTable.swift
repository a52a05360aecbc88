/// The frozen routes: matches method and path, answers 404 / 405 (with Allow), buffers the body
/// for routes that do not stream, runs global then group middleware, and turns errors into pages.
public struct RouteTable: HTTPHandler {
    let routes: [Route]
    let global: [Middleware]

    public func handle(_ request: Request) throws -> Response {
        do {
            return try runMiddleware(global, 0, request) { try dispatch($0) }
        } catch let e as HTTPError {
            return e.response
        } catch let e as BodyFailure {
            // The connection answers a broken body itself (408/400 or close).
            throw e
        } catch {
            // Never the error's text: it may quote request data.
            return ErrorPage.internalError
        }
    }

    private func dispatch(_ request: Request) throws -> Response {
        var allowed: [HTTPMethod] = []
        var getFallback: (Route, RouteParameters)?
        for route in routes {
            guard let params = route.pattern.match(request.pathSegments) else { continue }
            if route.method == request.method { return try run(route, params, request) }
            // RFC 9110 §9.3.2: HEAD is GET without the content.
            if request.method == .head && route.method == .get && getFallback == nil { getFallback = (route, params) }
            if !allowed.contains(route.method) { allowed.append(route.method) }
        }
        if let (route, params) = getFallback { return try run(route, params, request) }
        if allowed.isEmpty { return HTTPError(.notFound).response }
        if allowed.contains(.get) && !allowed.contains(.head) { allowed.insert(.head, at: allowed.firstIndex(of: .get)! + 1) }
        // RFC 9110 §15.5.6: a 405 lists the methods the resource does support.
        return HTTPError(.methodNotAllowed, headers: ["Allow": allowed.map(\.rawValue).joined(separator: ", ")]).response
    }

    private func run(_ route: Route, _ params: RouteParameters, _ request: Request) throws -> Response {
        request.parameters = params
        request.peerAddressAllowed = route.options.needsPeerAddress
        if route.options.streamingBody {
            request.body.limit = route.options.maxBodySize ?? request.body.streamLimit
        } else if let max = route.options.maxBodySize {
            request.body.limit = max
        }
        var response: Response
        do {
            response = try runMiddleware(route.middleware, 0, request) { req in
                // Buffered only here, after group middleware: a refused request costs no body read.
                if !route.options.streamingBody { try req.body.collect() }
                return try route.handler(req)
            }
        } catch let e as HTTPError {
            response = e.response
        }
        if !route.options.securityHeaders { response.includesSecurityHeaders = false }
        return response
    }
}
