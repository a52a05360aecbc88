/// A path pattern: literal segments, `:name` parameters and an optional trailing `*` that
/// captures the rest (for static files). Matched against decoded segments.
struct RoutePattern: Sendable, CustomStringConvertible {
    enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
        case wildcard
    }

    let segments: [Segment]
    let description: String

    init(_ pattern: String) {
        description = pattern
        let parts = pattern.split(separator: "/", omittingEmptySubsequences: true)
        var segs: [Segment] = []
        for (i, part) in parts.enumerated() {
            if part == "*" {
                precondition(i == parts.count - 1, "'*' must be the last segment of \(pattern)")
                segs.append(.wildcard)
            } else if part.hasPrefix(":") {
                segs.append(.parameter(String(part.dropFirst())))
            } else {
                segs.append(.literal(String(part)))
            }
        }
        segments = segs
    }

    func match(_ path: [String]) -> RouteParameters? {
        var params = RouteParameters()
        var i = 0
        for seg in segments {
            switch seg {
            case .wildcard:
                params.wildcard = Array(path[i...])
                return params
            case .literal(let s):
                guard i < path.count, path[i] == s else { return nil }
            case .parameter(let name):
                guard i < path.count else { return nil }
                params.add(name, path[i])
            }
            i += 1
        }
        return i == path.count ? params : nil
    }
}
