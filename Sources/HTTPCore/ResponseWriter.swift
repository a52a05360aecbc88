import Glibc

/// Serializes responses onto the transport: status line, fields, server-added headers and
/// framing (RFC 9112 §6), with head and small bodies in one write to save syscalls.
final class ResponseWriter {
    let transport: Transport
    private let security: SecurityHeaders
    private var out: [UInt8] = []
    private var dateSecond = -1
    private var dateLine: [UInt8] = []
    /// Bytes of the current response already handed to the transport.
    private(set) var wroteAnything = false

    init(transport: Transport, security: SecurityHeaders) {
        self.transport = transport
        self.security = security
        out.reserveCapacity(4096)
    }

    func beginResponse() { wroteAnything = false }

    /// How one response's body is delimited (RFC 9112 §6) and where its bytes come from.
    private struct Framing {
        var contentLength: Int?
        var chunked = false
        var inlineBody: [UInt8]?
        var producer: (@Sendable (BodyWriter) throws -> Void)?
    }

    /// Writes `response`; may turn `keepAlive` off when the body can only be delimited by closing.
    func write(_ response: Response, version: HTTPVersion, keepAlive: inout Bool, isHead: Bool) throws {
        let framing = framing(of: response, version: version, keepAlive: &keepAlive)
        out.removeAll(keepingCapacity: true)
        appendHead(response, framing: framing, version: version, keepAlive: keepAlive)
        if let body = framing.inlineBody, !isHead {
            if body.count <= 16 * 1024 {
                out.append(contentsOf: body)
                try send(out)
            } else {
                try send(out)
                try send(body)
            }
            return
        }
        try send(out)
        // HEAD: the producer would only generate bytes to throw away (a whole file, say).
        if let producer = framing.producer, !isHead {
            let writer = BodyWriter(chunked: framing.chunked) { [transport] bytes in
                try transport.write(bytes)
            }
            try producer(writer)
            try writer.finish()
            if let contentLength = framing.contentLength, writer.bytesWritten != contentLength {
                // The declared length was wrong: the framing is broken, so the connection must end.
                keepAlive = false
            }
        }
    }

    private func framing(of response: Response, version: HTTPVersion, keepAlive: inout Bool) -> Framing {
        var f = Framing()
        guard response.status.allowsBody else { return f }
        switch response.body {
        case .empty: f.contentLength = 0
        case .bytes(let b): f.contentLength = b.count; f.inlineBody = b
        case .stream(let length, let p):
            f.producer = p
            f.contentLength = length
            if length == nil {
                // §7: chunked only for HTTP/1.1 peers; 1.0 bodies end when the connection closes (§6.3 item 8).
                if version == .http1_1 { f.chunked = true } else { keepAlive = false }
            }
        }
        return f
    }

    /// Status line, the handler's fields (framing fields are ours alone), security headers,
    /// Date, framing and connection fields, and the blank line.
    private func appendHead(_ response: Response, framing: Framing, version: HTTPVersion, keepAlive: Bool) {
        append("HTTP/1.1 ")
        appendNumber(response.status.code)
        out.append(0x20)
        append(response.status.reason)
        out.append(contentsOf: [0x0D, 0x0A])
        var hasCacheControl = false
        for f in response.headers {
            if isFramingField(f.name) { continue }
            if !hasCacheControl && asciiCaseInsensitiveEquals(f.name, "Cache-Control") { hasCacheControl = true }
            appendField(f.name, f.value)
        }
        if response.includesSecurityHeaders {
            for f in security.fields.fields where !response.headers.contains(f.name) { appendField(f.name, f.value) }
        }
        for f in security.always.fields where !response.headers.contains(f.name) { appendField(f.name, f.value) }
        if !hasCacheControl, let cc = security.defaultCacheControl { appendField("Cache-Control", cc) }
        appendDate()
        if let contentLength = framing.contentLength {
            append("Content-Length: ")
            appendNumber(contentLength)
            out.append(contentsOf: [0x0D, 0x0A])
        } else if framing.chunked {
            append("Transfer-Encoding: chunked\r\n")
        }
        if !keepAlive {
            append("Connection: close\r\n")
        } else if version == .http1_0 {
            append("Connection: keep-alive\r\n")
        }
        out.append(contentsOf: [0x0D, 0x0A])
    }

    private func send(_ bytes: [UInt8]) throws {
        wroteAnything = true
        try bytes.withUnsafeBytes { try transport.write($0) }
    }

    private func isFramingField(_ name: String) -> Bool {
        asciiCaseInsensitiveEquals(name, "Content-Length") || asciiCaseInsensitiveEquals(name, "Transfer-Encoding")
            || asciiCaseInsensitiveEquals(name, "Connection")
    }

    /// Field values with CR or LF would let a handler split the response; they are dropped.
    private func appendField(_ name: String, _ value: String) {
        if value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 }) { return }
        if name.utf8.contains(where: { !RequestHeadParser.isTokenChar($0) }) { return }
        append(name)
        out.append(contentsOf: [0x3A, 0x20])
        append(value)
        out.append(contentsOf: [0x0D, 0x0A])
    }

    private func appendDate() {
        let now = Int(time(nil))
        if now != dateSecond {
            dateSecond = now
            dateLine = Array("Date: \(HTTPDate.format(now))\r\n".utf8)
        }
        out.append(contentsOf: dateLine)
    }

    @inline(__always)
    private func append(_ s: String) {
        var s = s
        s.withUTF8 { out.append(contentsOf: $0) }
    }

    private func appendNumber(_ n: Int) {
        if n == 0 { out.append(0x30); return }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var v = n, count = 0
        withUnsafeMutableBytes(of: &digits) { d in
            while v > 0 && count < 20 { d[count] = UInt8(v % 10) + 0x30; v /= 10; count += 1 }
            for i in stride(from: count - 1, through: 0, by: -1) { out.append(d[i]) }
        }
    }
}
