/// A response: status, header fields and a body. Framing headers (Content-Length,
/// Transfer-Encoding, Connection) are the server's business and are set when it is written.
public struct Response: Sendable {
    public var status: HTTPStatus
    public var headers: HTTPHeaders
    public var body: ResponseBody
    /// The server adds its security headers unless this is false (set by a route's options).
    public var includesSecurityHeaders = true

    public init(status: HTTPStatus = .ok, headers: HTTPHeaders = [:], body: ResponseBody = .empty) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public static func text(_ text: String, status: HTTPStatus = .ok) -> Response {
        Response(status: status, headers: ["Content-Type": "text/plain; charset=utf-8"], body: .bytes(Array(text.utf8)))
    }

    public static func html(_ html: String, status: HTTPStatus = .ok) -> Response {
        Response(status: status, headers: ["Content-Type": "text/html; charset=utf-8"], body: .bytes(Array(html.utf8)))
    }

    public static func bytes(_ bytes: [UInt8], contentType: String, status: HTTPStatus = .ok) -> Response {
        Response(status: status, headers: ["Content-Type": contentType], body: .bytes(bytes))
    }

    /// 303 by default: after a POST the browser fetches the new location with GET.
    public static func redirect(to location: String, status: HTTPStatus = .seeOther) -> Response {
        Response(status: status, headers: ["Location": location])
    }

    public mutating func setCookie(_ cookie: SetCookie) throws {
        headers.add("Set-Cookie", try cookie.headerValue())
    }
}

/// Response content: none, bytes in memory, or a producer that writes pieces as it goes
/// (files, generated exports) with the length when it is known in advance.
public enum ResponseBody: Sendable {
    case empty
    case bytes([UInt8])
    case stream(length: Int?, producer: @Sendable (BodyWriter) throws -> Void)
}

/// Receives a streamed response body. With a known length the bytes go out as they are;
/// otherwise each flushed batch becomes one chunk (RFC 9112 §7.1).
public final class BodyWriter {
    private let sink: (UnsafeRawBufferPointer) throws -> Void
    private var pending: [UInt8] = []
    private let flushAt = 32 * 1024
    let chunked: Bool
    public private(set) var bytesWritten = 0

    init(chunked: Bool, sink: @escaping (UnsafeRawBufferPointer) throws -> Void) {
        self.chunked = chunked
        self.sink = sink
        pending.reserveCapacity(flushAt + 64)
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        bytesWritten += bytes.count
        if bytes.isEmpty { return }
        if pending.count + bytes.count <= flushAt {
            pending.append(contentsOf: bytes)
            if pending.count >= flushAt { try flush() }
            return
        }
        try flush()
        if bytes.count >= flushAt {
            try emit(bytes)
        } else {
            pending.append(contentsOf: bytes)
        }
    }

    public func write(_ bytes: [UInt8]) throws { try bytes.withUnsafeBytes { try write($0) } }
    public func write(_ text: String) throws { try write(Array(text.utf8)) }

    func flush() throws {
        guard !pending.isEmpty else { return }
        let p = pending
        pending.removeAll(keepingCapacity: true)
        try p.withUnsafeBytes { try emit($0) }
    }

    private func emit(_ bytes: UnsafeRawBufferPointer) throws {
        if chunked {
            var frame = Array(String(bytes.count, radix: 16).utf8)
            frame.append(contentsOf: [0x0D, 0x0A])
            frame.append(contentsOf: bytes)
            frame.append(contentsOf: [0x0D, 0x0A])
            try frame.withUnsafeBytes { try sink($0) }
        } else {
            try sink(bytes)
        }
    }

    func finish() throws {
        try flush()
        if chunked {
            let last: StaticString = "0\r\n\r\n"
            try sink(UnsafeRawBufferPointer(start: last.utf8Start, count: last.utf8CodeUnitCount))
        }
    }
}
