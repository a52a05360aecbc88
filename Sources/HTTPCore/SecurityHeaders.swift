/// Headers added to every response unless a route opts out, because the application serves
/// people who must not be tracked, framed or sniffed. A response's own value wins.
public struct SecurityHeaders: Sendable {
    public var fields: HTTPHeaders
    /// Added when a response sets no Cache-Control: dynamic pages must not linger in caches.
    public var defaultCacheControl: String?

    public init(fields: HTTPHeaders, defaultCacheControl: String? = "no-store") {
        self.fields = fields
        self.defaultCacheControl = defaultCacheControl
    }

    public static let standard = SecurityHeaders(fields: [
        "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; form-action 'self'",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "X-Frame-Options": "DENY",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    ])

    public static let none = SecurityHeaders(fields: [:], defaultCacheControl: nil)
}
