import HTTPCore

/// One route of the JSON API as the OpenAPI document names it: method in lower case, path with
/// `{parameter}`s. The registration code records every route it adds, so a test can compare
/// what is served with what is documented.
public struct APIRoute: Hashable, Sendable, CustomStringConvertible {
    public let method: String
    public let path: String
    public var description: String { "\(method.uppercased()) \(path)" }
}

/// Registers routes on a group and writes each one down as an `APIRoute`.
public final class APIRouteRecorder {
    private let group: RouteGroup
    private let prefix: String
    public private(set) var routes: [APIRoute] = []

    public init(group: RouteGroup, prefix: String) {
        self.group = group
        self.prefix = prefix
    }

    public func on(_ method: HTTPMethod, _ path: String, options: RouteOptions = .standard, _ handler: @escaping RouteHandler) {
        group.on(method, path, options: options, handler)
        let documented = (prefix + path).split(separator: "/", omittingEmptySubsequences: false).map { segment in
            segment.hasPrefix(":") ? "{\(segment.dropFirst())}" : String(segment)
        }.joined(separator: "/")
        routes.append(APIRoute(method: method.rawValue.lowercased(), path: documented))
    }
}
