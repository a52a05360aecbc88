/// Values captured by a route pattern: `:name` segments and the trailing `*`.
public struct RouteParameters: Sendable {
    public private(set) var named: [(name: String, value: String)] = []
    /// Decoded segments matched by a trailing `*`, or nil if the pattern had none.
    public internal(set) var wildcard: [String]?

    public init() {}

    public subscript(name: String) -> String? {
        named.first { $0.name == name }?.value
    }

    mutating func add(_ name: String, _ value: String) { named.append((name, value)) }
}
