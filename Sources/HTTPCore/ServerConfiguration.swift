/// Where and how the server listens.
public struct ServerConfiguration: Sendable {
    /// A numeric IPv4/IPv6 address or a host name ("::1", "0.0.0.0", "localhost").
    public var host: String
    /// 0 picks an ephemeral port; `Server.port` tells which.
    public var port: Int
    public var limits: HTTPLimits
    /// PEM certificate and key; plain HTTP when nil.
    public var tls: TLSConfiguration?
    public var securityHeaders: SecurityHeaders
    /// Stack of each connection thread; handlers run on it.
    public var threadStackSize: Int
    public var backlog: Int32

    public init(host: String = "127.0.0.1", port: Int = 8080, limits: HTTPLimits = HTTPLimits(),
                tls: TLSConfiguration? = nil, securityHeaders: SecurityHeaders = .standard,
                threadStackSize: Int = 512 * 1024, backlog: Int32 = 1024) {
        self.host = host
        self.port = port
        self.limits = limits
        self.tls = tls
        self.securityHeaders = securityHeaders
        self.threadStackSize = threadStackSize
        self.backlog = backlog
    }
}
