/// Collects routes and middleware, then freezes them into a `RouteTable` for the server.
/// Building happens on one thread before serving, so the builder itself is not Sendable.
public final class Router {
    private(set) var routes: [Route] = []
    private var global: [Middleware] = []
    private lazy var root = RouteGroup(router: self, prefix: "", middleware: [])

    public init() {}

    func add(_ route: Route) { routes.append(route) }

    /// Middleware around every request, including 404 and 405 answers.
    public func use(_ m: @escaping Middleware) { global.append(m) }

    public func group(_ prefix: String, middleware: [Middleware] = []) -> RouteGroup {
        RouteGroup(router: self, prefix: prefix, middleware: middleware)
    }

    public func on(_ method: HTTPMethod, _ path: String, options: RouteOptions = .standard, _ h: @escaping RouteHandler) {
        root.on(method, path, options: options, h)
    }
    public func on(_ method: HTTPMethod, _ path: String, options: RouteOptions = .standard, handler: any HTTPHandler) {
        root.on(method, path, options: options, handler: handler)
    }
    public func get(_ path: String, options: RouteOptions = .standard, _ h: @escaping RouteHandler) { root.get(path, options: options, h) }
    public func get(_ path: String, options: RouteOptions = .standard, handler: any HTTPHandler) { root.on(.get, path, options: options, handler: handler) }
    public func post(_ path: String, options: RouteOptions = .standard, _ h: @escaping RouteHandler) { root.post(path, options: options, h) }
    public func put(_ path: String, options: RouteOptions = .standard, _ h: @escaping RouteHandler) { root.put(path, options: options, h) }
    public func delete(_ path: String, options: RouteOptions = .standard, _ h: @escaping RouteHandler) { root.delete(path, options: options, h) }
    public func patch(_ path: String, options: RouteOptions = .standard, _ h: @escaping RouteHandler) { root.patch(path, options: options, h) }

    /// The immutable table to give to `Server`.
    public func makeHandler() -> RouteTable { RouteTable(routes: routes, global: global) }

    /// Routes a request directly: for tests that call handlers without a network.
    public func handle(_ request: Request) throws -> Response { try makeHandler().handle(request) }
}
