/// One HTTP request as a handler sees it. Belongs to the connection thread that read it: not
/// Sendable, because its body reads from that connection.
public final class Request {
    public let method: HTTPMethod
    /// The request-target as received.
    public let target: String
    /// Percent-decoded path segments (an encoded '/' stays inside its segment).
    public let pathSegments: [String]
    /// The raw query string, without '?'.
    public let queryString: String?
    public let version: HTTPVersion
    public let headers: HTTPHeaders
    public internal(set) var parameters = RouteParameters()
    public let body: RequestBody
    /// Values set by middleware for later middleware and the handler.
    public var storage = RequestStorage()

    private let peer: PeerAddress?
    var peerAddressAllowed = false

    init(head: RequestHead, body: RequestBody, peer: PeerAddress?) {
        method = head.method
        target = head.target
        pathSegments = head.pathSegments
        queryString = head.query
        version = head.version
        headers = head.headers
        self.body = body
        self.peer = peer
    }

    /// A request built in memory, for calling routers and handlers without a network.
    public convenience init(method: HTTPMethod, target: String, headers: HTTPHeaders = [:], body: [UInt8] = []) throws {
        let bytes = Array(target.utf8)
        guard !bytes.isEmpty else { throw HTTPParseError.badRequest("Empty request target.") }
        let (segments, query) = try bytes.withUnsafeBytes { try RequestHeadParser.parseTarget($0, method: method) }
        let head = RequestHead(method: method, target: target, pathSegments: segments, query: query,
                               version: .http1_1, headers: headers, framing: body.isEmpty ? .none : .length(body.count),
                               keepAlive: true, expectsContinue: false, length: 0)
        self.init(head: head, body: RequestBody(bytes: body), peer: nil)
    }

    /// The decoded path, for display and logging by the application; not for file access.
    public var path: String { "/" + pathSegments.joined(separator: "/") }

    /// The remote address, only for routes declared with `needsPeerAddress`; nil otherwise, so
    /// that no other code path can record who a sender is.
    public var peerAddress: String? { peerAddressAllowed ? peer?.text : nil }

    public private(set) lazy var query: [(name: String, value: String)] = queryString.map(QueryString.parse) ?? []

    /// The first query value named `name`.
    public func queryValue(_ name: String) -> String? { query.first { $0.name == name }?.value }

    /// Cookies from the Cookie header(s), parsed on first use (RFC 6265 §5.4).
    public private(set) lazy var cookies: Cookies = Cookies(headerValues: headers.values(for: "Cookie"))

    /// The media type of the body without parameters, lowercased ("application/x-www-form-urlencoded").
    public var mediaType: String? {
        guard let ct = headers["Content-Type"] else { return nil }
        let type = trimOWS(ct.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
        return type.isEmpty ? nil : type.lowercased()
    }

    /// Hook for form parsers (pure functions over bytes): checks the media type, buffers the body
    /// within its limit and hands it over. A different media type is 415.
    public func formBody<T>(expecting type: String = "application/x-www-form-urlencoded",
                            _ parse: ([UInt8]) throws -> T) throws -> T {
        guard mediaType == type else { throw HTTPError(.unsupportedMediaType) }
        return try parse(try body.collect())
    }

    /// The buffered body: collected by the router for routes that do not stream, otherwise read
    /// now up to the body's limit.
    public func bodyBytes() throws -> [UInt8] { try body.collect() }
}
