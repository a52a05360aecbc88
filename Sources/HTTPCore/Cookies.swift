/// Cookies sent by the client, parsed as RFC 6265 §5.4 describes the Cookie header:
/// `name=value` pairs separated by ";" and optional spaces. Order and repeats are kept;
/// pairs without '=' or with an empty name are ignored, as browsers do.
public struct Cookies: Sendable, Sequence {
    public private(set) var pairs: [(name: String, value: String)] = []

    public init(headerValues: [String]) {
        for header in headerValues {
            for part in header.split(separator: ";") {
                let item = trimOWS(part)
                guard let eq = item.firstIndex(of: "=") else { continue }
                let name = trimOWS(item[item.startIndex..<eq])
                var value = trimOWS(item[item.index(after: eq)...])
                guard !name.isEmpty else { continue }
                if value.count >= 2 && value.first == "\"" && value.last == "\"" {
                    value = value.dropFirst().dropLast()
                }
                pairs.append((String(name), String(value)))
            }
        }
    }

    public init(header: String) { self.init(headerValues: [header]) }

    /// The first cookie of that name (case-sensitive, RFC 6265 §5.4).
    public subscript(name: String) -> String? { pairs.first { $0.name == name }?.value }

    public var count: Int { pairs.count }
    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> { pairs.makeIterator() }
}
