/// One registered route, with the middleware of every group it sits in (outermost first).
struct Route: Sendable {
    let method: HTTPMethod
    let pattern: RoutePattern
    let options: RouteOptions
    let middleware: [Middleware]
    let handler: RouteHandler
}
