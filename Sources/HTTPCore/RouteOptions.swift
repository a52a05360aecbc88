/// What a route needs from the connection, decided before its body is read.
public struct RouteOptions: Sendable {
    /// The handler reads `request.body` piece by piece instead of receiving a buffered body.
    public var streamingBody: Bool
    /// Largest body for this route; defaults to the server's buffered or streamed limit.
    public var maxBodySize: Int?
    /// Expose `request.peerAddress` to this route (nil everywhere else).
    public var needsPeerAddress: Bool
    /// Add the server's security headers to this route's responses.
    public var securityHeaders: Bool

    public init(streamingBody: Bool = false, maxBodySize: Int? = nil, needsPeerAddress: Bool = false,
                securityHeaders: Bool = true) {
        self.streamingBody = streamingBody
        self.maxBodySize = maxBodySize
        self.needsPeerAddress = needsPeerAddress
        self.securityHeaders = securityHeaders
    }

    public static let standard = RouteOptions()
    public static func streaming(maxBodySize: Int? = nil) -> RouteOptions {
        RouteOptions(streamingBody: true, maxBodySize: maxBodySize)
    }
}
