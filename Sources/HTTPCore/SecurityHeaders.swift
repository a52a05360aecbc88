/// Headers added to every response unless a route opts out, because the application serves
/// people who must not be tracked, framed or sniffed. A response's own value wins.
public struct SecurityHeaders: Sendable {
    public var fields: HTTPHeaders
    /// Added when a response sets no Cache-Control: dynamic pages must not linger in caches.
    public var defaultCacheControl: String?
    /// Added to every response, even one whose route opts out of `fields` (a static file, an
    /// error page): what the connection itself promises, such as Strict-Transport-Security,
    /// must not depend on which route answered.
    public var always: HTTPHeaders = [:]

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
