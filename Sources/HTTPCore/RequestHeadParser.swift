/// Parses a request head (request line and header fields) per RFC 9112 §2-§5, strictly: every
/// ambiguity a proxy and this server might resolve differently is refused.
///
/// Fuzzing entry point (pure, no I/O):
///     let head = try RequestHeadParser.parse(bytes, limits: HTTPLimits())
/// `bytes` holds a head that ends in CRLF CRLF, possibly followed by body bytes (ignored;
/// `head.length` says where the head ended). Throws `HTTPParseError.incomplete` when the
/// terminating empty line has not arrived yet and no limit is exceeded, or another
/// `HTTPParseError` whose `status` is the response to send. It must never crash or trap.
public enum RequestHeadParser {
    static let cr: UInt8 = 0x0D, lf: UInt8 = 0x0A, sp: UInt8 = 0x20, htab: UInt8 = 0x09, colon: UInt8 = 0x3A

    public static func parse(_ bytes: [UInt8], limits: HTTPLimits) throws -> RequestHead {
        try bytes.withUnsafeBytes { try parse($0, limits: limits) }
    }

    public static func parse(_ buf: UnsafeRawBufferPointer, limits: HTTPLimits) throws -> RequestHead {
        var p = 0
        // §2.2: ignore empty lines before the request line (left over after a body by some clients).
        while p + 1 < buf.count && buf[p] == cr && buf[p + 1] == lf { p += 2 }
        let lineStart = p

        // Request line (§3). Find its LF, refusing bare CR/LF and enforcing the 414 limit early.
        var lineEnd = -1
        var i = p
        while i < buf.count {
            let c = buf[i]
            if c == lf {
                guard i > lineStart, buf[i - 1] == cr else { throw HTTPParseError.badRequest("Bare LF in request line.") }
                lineEnd = i - 1
                break
            }
            if c == cr && i + 1 < buf.count && buf[i + 1] != lf { throw HTTPParseError.badRequest("Bare CR in request line.") }
            if i - lineStart >= limits.maxRequestLine + 1 { throw HTTPParseError.uriTooLong }
            i += 1
        }
        if lineEnd < 0 {
            if buf.count - lineStart > limits.maxRequestLine + 1 { throw HTTPParseError.uriTooLong }
            throw HTTPParseError.incomplete
        }
        if lineEnd - lineStart > limits.maxRequestLine { throw HTTPParseError.uriTooLong }

        // method SP request-target SP HTTP-version (§3): exactly one SP between parts.
        var q = lineStart
        while q < lineEnd && isTokenChar(buf[q]) { q += 1 }
        guard q > lineStart, q < lineEnd, buf[q] == sp else { throw HTTPParseError.badRequest("Malformed request line.") }
        let method = HTTPMethod.from(UnsafeRawBufferPointer(rebasing: buf[lineStart..<q]))
        let targetStart = q + 1
        q = targetStart
        // §3.2: a request-target has no whitespace or controls; non-ASCII must be percent-encoded.
        while q < lineEnd && buf[q] > sp && buf[q] < 0x7F { q += 1 }
        guard q > targetStart, q < lineEnd, buf[q] == sp else { throw HTTPParseError.badRequest("Malformed request target.") }
        let targetEnd = q
        let versionStart = q + 1
        guard lineEnd - versionStart == 8 else { throw HTTPParseError.badRequest("Malformed HTTP version.") }
        let version = try parseVersion(UnsafeRawBufferPointer(rebasing: buf[versionStart..<lineEnd]))

        // Header fields (§5).
        var headers = HTTPHeaders()
        var fields: [HTTPField] = []
        p = lineEnd + 2
        let headerStart = p
        var count = 0
        while true {
            if p - headerStart > limits.maxHeaderBytes { throw HTTPParseError.headerFieldsTooLarge }
            guard p < buf.count else { throw HTTPParseError.incomplete }
            let c = buf[p]
            if c == cr {
                guard p + 1 < buf.count else { throw HTTPParseError.incomplete }
                guard buf[p + 1] == lf else { throw HTTPParseError.badRequest("Bare CR in header section.") }
                p += 2
                break
            }
            if c == lf { throw HTTPParseError.badRequest("Bare LF in header section.") }
            // §5.2: obsolete line folding is refused with 400.
            if c == sp || c == htab { throw HTTPParseError.badRequest("Obsolete line folding.") }
            count += 1
            if count > limits.maxHeaderCount { throw HTTPParseError.headerFieldsTooLarge }

            let nameStart = p
            while p < buf.count && isTokenChar(buf[p]) { p += 1 }
            guard p < buf.count else {
                if p - headerStart > limits.maxHeaderBytes { throw HTTPParseError.headerFieldsTooLarge }
                throw HTTPParseError.incomplete
            }
            // §5.1: no whitespace between field name and colon.
            if buf[p] == sp || buf[p] == htab { throw HTTPParseError.badRequest("Whitespace before colon.") }
            guard buf[p] == colon, p > nameStart else { throw HTTPParseError.badRequest("Malformed header field.") }
            let nameEnd = p
            p += 1
            while p < buf.count && (buf[p] == sp || buf[p] == htab) { p += 1 }
            let valueStart = p
            var valueEnd = p
            while true {
                guard p < buf.count else {
                    if p - headerStart > limits.maxHeaderBytes { throw HTTPParseError.headerFieldsTooLarge }
                    throw HTTPParseError.incomplete
                }
                let v = buf[p]
                if v == cr {
                    guard p + 1 < buf.count else { throw HTTPParseError.incomplete }
                    guard buf[p + 1] == lf else { throw HTTPParseError.badRequest("Bare CR in header section.") }
                    break
                }
                if v == lf { throw HTTPParseError.badRequest("Bare LF in header section.") }
                // §5.5: field-value is VCHAR, obs-text, SP and HTAB; other controls (NUL...) are refused.
                guard v == htab || v >= sp, v != 0x7F else { throw HTTPParseError.badRequest("Control character in header.") }
                if v != sp && v != htab { valueEnd = p + 1 }
                p += 1
            }
            fields.append(HTTPField(
                name: String(decoding: UnsafeRawBufferPointer(rebasing: buf[nameStart..<nameEnd]), as: UTF8.self),
                value: String(decoding: UnsafeRawBufferPointer(rebasing: buf[valueStart..<valueEnd]), as: UTF8.self)))
            p += 2
        }
        headers = HTTPHeaders(fields)

        // §3.2: HTTP/1.1 needs exactly one Host; more than one is also 400.
        var hostCount = 0
        for f in fields where asciiCaseInsensitiveEquals(f.name, "Host") { hostCount += 1 }
        if version == .http1_1 && hostCount == 0 { throw HTTPParseError.badRequest("Missing Host header.") }
        if hostCount > 1 { throw HTTPParseError.badRequest("More than one Host header.") }

        let framing = try BodyFraming.decide(headers: headers, version: version)
        let (segments, query) = try parseTarget(UnsafeRawBufferPointer(rebasing: buf[targetStart..<targetEnd]), method: method)
        // §9.3: 1.1 persists unless "close"; 1.0 only with "keep-alive".
        let keepAlive: Bool
        if version == .http1_1 {
            keepAlive = !headers.hasToken("close", in: "Connection")
        } else {
            keepAlive = headers.hasToken("keep-alive", in: "Connection") && !headers.hasToken("close", in: "Connection")
        }
        let expects = version == .http1_1 && headers["Expect"].map { asciiCaseInsensitiveEquals(trimOWS($0), "100-continue") } == true
        return RequestHead(
            method: method,
            target: String(decoding: UnsafeRawBufferPointer(rebasing: buf[targetStart..<targetEnd]), as: UTF8.self),
            pathSegments: segments, query: query, version: version, headers: headers, framing: framing,
            keepAlive: keepAlive, expectsContinue: expects, length: p)
    }

    /// "HTTP/" DIGIT "." DIGIT (§2.3); well-formed but other than 1.0/1.1 is 505.
    static func parseVersion(_ v: UnsafeRawBufferPointer) throws -> HTTPVersion {
        guard v[0] == 0x48, v[1] == 0x54, v[2] == 0x54, v[3] == 0x50, v[4] == 0x2F, v[6] == 0x2E,
              v[5] >= 0x30, v[5] <= 0x39, v[7] >= 0x30, v[7] <= 0x39 else {
            throw HTTPParseError.badRequest("Malformed HTTP version.")
        }
        let major = Int(v[5] - 0x30), minor = Int(v[7] - 0x30)
        guard major == 1, minor <= 1 else { throw HTTPParseError.versionNotSupported }
        return minor == 0 ? .http1_0 : .http1_1
    }

    /// origin-form, absolute-form (§3.2.2, tolerated for proxies: only its path is used) and
    /// asterisk-form for OPTIONS; authority-form (CONNECT) is not served.
    static func parseTarget(_ t: UnsafeRawBufferPointer, method: HTTPMethod) throws -> ([String], String?) {
        var start = 0
        if t[0] == 0x2A {  // '*'
            guard t.count == 1, method == .options else { throw HTTPParseError.badRequest("Malformed request target.") }
            return ([], nil)
        }
        if t[0] != 0x2F {
            // absolute-form: scheme "://" authority [path]
            guard let schemeEnd = findSequence(t, [0x3A, 0x2F, 0x2F]) else {
                throw HTTPParseError.badRequest("Malformed request target.")
            }
            let scheme = String(decoding: UnsafeRawBufferPointer(rebasing: t[0..<schemeEnd]), as: UTF8.self)
            guard asciiCaseInsensitiveEquals(scheme, "http") || asciiCaseInsensitiveEquals(scheme, "https") else {
                throw HTTPParseError.badRequest("Malformed request target.")
            }
            var i = schemeEnd + 3
            while i < t.count && t[i] != 0x2F && t[i] != 0x3F { i += 1 }
            if i == t.count { return ([], nil) }
            if t[i] == 0x3F {
                return ([], String(decoding: UnsafeRawBufferPointer(rebasing: t[(i + 1)...]), as: UTF8.self))
            }
            start = i
        }
        var end = start
        while end < t.count && t[end] != 0x3F && t[end] != 0x23 { end += 1 }  // '?' or '#'
        var query: String?
        if end < t.count && t[end] == 0x3F {
            var qEnd = end + 1
            while qEnd < t.count && t[qEnd] != 0x23 { qEnd += 1 }
            query = String(decoding: UnsafeRawBufferPointer(rebasing: t[(end + 1)..<qEnd]), as: UTF8.self)
        }
        var segments: [String] = []
        var s = start + 1
        while s <= end {
            var e = s
            while e < end && t[e] != 0x2F { e += 1 }
            if e > s {
                let raw = UnsafeRawBufferPointer(rebasing: t[s..<e])
                guard let decoded = percentDecode(raw), let str = strictUTF8(decoded) else {
                    throw HTTPParseError.badRequest("Malformed percent-encoding in path.")
                }
                segments.append(str)
            }
            s = e + 1
        }
        return (segments, query)
    }

    static func findSequence(_ t: UnsafeRawBufferPointer, _ seq: [UInt8]) -> Int? {
        guard t.count >= seq.count else { return nil }
        outer: for i in 0...(t.count - seq.count) {
            for j in 0..<seq.count where t[i + j] != seq[j] { continue outer }
            return i
        }
        return nil
    }

    /// tchar (RFC 9110 §5.6.2).
    @inline(__always)
    static func isTokenChar(_ c: UInt8) -> Bool { tokenTable[Int(c)] }

    static let tokenTable: [Bool] = (0..<256).map { c in
        switch c {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
        case 0x21, 0x23, 0x24, 0x25, 0x26, 0x27, 0x2A, 0x2B, 0x2D, 0x2E, 0x5E, 0x5F, 0x60, 0x7C, 0x7E: return true
        default: return false
        }
    }
}
