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
    /// Sent on every response when `tls` is set (never over plain HTTP, where a browser ignores
    /// it and an onion service or a proxy's back end has no certificate). Two years and every
    /// subdomain: what the HSTS preload list asks for, with "; preload" added by the operator
    /// who submits the domain (`candor serve --hsts-preload`). Nil sends none.
    public var strictTransportSecurity: String? = ServerConfiguration.strictTransportDefault
    public static let strictTransportDefault = "max-age=63072000; includeSubDomains"
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

    /// The security headers as the server writes them: `securityHeaders`, and with TLS on,
    /// Strict-Transport-Security on every response.
    var effectiveSecurityHeaders: SecurityHeaders {
        var headers = securityHeaders
        if tls != nil, let sts = strictTransportSecurity, !headers.always.contains("Strict-Transport-Security") {
            headers.always.add("Strict-Transport-Security", sts)
        }
        return headers
    }
}
