/// A parsed request head: request line, header fields and the framing they imply.
public struct RequestHead: Sendable {
    public var method: HTTPMethod
    /// The request-target exactly as received (RFC 9112 §3.2).
    public var target: String
    /// Path segments, each percent-decoded separately so an encoded '/' never splits a segment;
    /// empty segments are dropped.
    public var pathSegments: [String]
    /// The raw query string after '?', without the '?'.
    public var query: String?
    public var version: HTTPVersion
    public var headers: HTTPHeaders
    public var framing: BodyFraming
    /// Whether the connection may carry another request after this one (RFC 9112 §9.3).
    public var keepAlive: Bool
    /// `Expect: 100-continue` was sent by an HTTP/1.1 client (RFC 9110 §10.1.1).
    public var expectsContinue: Bool
    /// Bytes of input the head occupied, including skipped leading empty lines and the final CRLF.
    public var length: Int

    /// The decoded path, segments joined by '/'; for display and matching, not for file access.
    public var path: String { "/" + pathSegments.joined(separator: "/") }
}
