/// Builds a Set-Cookie field value (RFC 6265 §4.1) and refuses names and values that could
/// smuggle extra attributes or break the header (separators, whitespace, controls).
public struct SetCookie: Sendable {
    public enum SameSite: String, Sendable { case strict = "Strict", lax = "Lax", none = "None" }

    public struct InvalidCookie: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    public var name: String
    public var value: String
    public var path: String? = "/"
    public var domain: String?
    public var maxAge: Int?
    /// Expiry as Unix time (seconds); written as an IMF-fixdate.
    public var expires: Int?
    public var secure = true
    public var httpOnly = true
    public var sameSite: SameSite? = .strict

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }

    /// A cookie that tells the browser to delete `name` at once.
    public static func expired(name: String, path: String? = "/") -> SetCookie {
        var c = SetCookie(name: name, value: "")
        c.path = path
        c.maxAge = 0
        return c
    }

    public func headerValue() throws -> String {
        guard !name.isEmpty, name.utf8.allSatisfy(RequestHeadParser.isTokenChar) else {
            throw InvalidCookie(description: "cookie name must be a token")
        }
        // cookie-octet: no CTL, whitespace, DQUOTE, comma, semicolon or backslash.
        guard value.utf8.allSatisfy({ $0 == 0x21 || (0x23...0x2B).contains($0) || (0x2D...0x3A).contains($0)
            || (0x3C...0x5B).contains($0) || (0x5D...0x7E).contains($0) }) else {
            throw InvalidCookie(description: "cookie value has a forbidden character")
        }
        for attr in [path, domain].compactMap({ $0 }) {
            guard attr.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != 0x3B }) else {
                throw InvalidCookie(description: "cookie attribute has a forbidden character")
            }
        }
        // Browsers drop SameSite=None without Secure; failing here is clearer than a silent loss.
        if sameSite == SameSite.none && !secure { throw InvalidCookie(description: "SameSite=None needs Secure") }
        var s = "\(name)=\(value)"
        if let path { s += "; Path=\(path)" }
        if let domain { s += "; Domain=\(domain)" }
        if let maxAge { s += "; Max-Age=\(maxAge)" }
        if let expires { s += "; Expires=\(HTTPDate.format(expires))" }
        if secure { s += "; Secure" }
        if httpOnly { s += "; HttpOnly" }
        if let sameSite { s += "; SameSite=\(sameSite.rawValue)" }
        return s
    }
}
