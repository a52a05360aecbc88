/// Routes under a common path prefix sharing a middleware stack (e.g. a login check for a
/// console). Middleware added with `use` applies to routes registered after it.
public final class RouteGroup {
    private let router: Router
    private let prefix: String
    private var middleware: [Middleware]

    init(router: Router, prefix: String, middleware: [Middleware]) {
        self.router = router
        self.prefix = prefix
        self.middleware = middleware
    }

    public func use(_ m: @escaping Middleware) { middleware.append(m) }

    public func group(_ path: String, middleware extra: [Middleware] = []) -> RouteGroup {
        RouteGroup(router: router, prefix: join(prefix, path), middleware: middleware + extra)
    }

    public func on(_ method: HTTPMethod, _ path: String, options: RouteOptions = .standard,
                   _ handler: @escaping RouteHandler) {
        router.add(Route(method: method, pattern: RoutePattern(join(prefix, path)), options: options,
                         middleware: middleware, handler: handler))
    }

    public func on(_ method: HTTPMethod, _ path: String, options: RouteOptions = .standard, handler: any HTTPHandler) {
        on(method, path, options: options) { try handler.handle($0) }
    }

    public func get(_ path: String, options: RouteOptions = .standard, _ h: @escaping RouteHandler) { on(.get, path, options: options, h) }
    public func get(_ path: String, options: RouteOptions = .standard, handler: any HTTPHandler) { on(.get, path, options: options, handler: handler) }
    public func post(_ path: String, options: RouteOptions = .standard, _ h: @escaping RouteHandler) { on(.post, path, options: options, h) }
    public func put(_ path: String, options: RouteOptions = .standard, _ h: @escaping RouteHandler) { on(.put, path, options: options, h) }
    public func delete(_ path: String, options: RouteOptions = .standard, _ h: @escaping RouteHandler) { on(.delete, path, options: options, h) }
    public func patch(_ path: String, options: RouteOptions = .standard, _ h: @escaping RouteHandler) { on(.patch, path, options: options, h) }

    private func join(_ a: String, _ b: String) -> String {
        let left = a.hasSuffix("/") ? String(a.dropLast()) : a
        let right = b.hasPrefix("/") ? b : "/" + b
        return left + right
    }
}
