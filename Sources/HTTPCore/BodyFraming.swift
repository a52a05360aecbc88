/// How the request body is delimited (RFC 9112 §6.3).
public enum BodyFraming: Sendable, Equatable {
    case none
    case length(Int)
    case chunked

    /// Applies RFC 9112 §6.3 to the Transfer-Encoding and Content-Length fields of a request.
    static func decide(headers: HTTPHeaders, version: HTTPVersion) throws -> BodyFraming {
        let te = headers.values(for: "Transfer-Encoding")
        let cl = headers.values(for: "Content-Length")
        if !te.isEmpty {
            // §6.1: HTTP/1.0 has no transfer codings; treat the framing as faulty.
            guard version == .http1_1 else { throw HTTPParseError.badRequest("Transfer-Encoding in HTTP/1.0.") }
            // §6.3 item 3: both present is a request-smuggling signature; refuse, never guess.
            guard cl.isEmpty else { throw HTTPParseError.badRequest("Both Content-Length and Transfer-Encoding.") }
            var codings: [Substring] = []
            for value in te {
                for part in value.split(separator: ",", omittingEmptySubsequences: false) {
                    let coding = trimOWS(part)
                    guard !coding.isEmpty else { throw HTTPParseError.badRequest("Malformed Transfer-Encoding.") }
                    codings.append(coding)
                }
            }
            // §6.3 item 4: chunked must be the final coding, and only once (§7).
            guard let last = codings.last, asciiCaseInsensitiveEquals(last, "chunked") else {
                throw HTTPParseError.badRequest("Transfer-Encoding must end with chunked.")
            }
            if codings.dropLast().contains(where: { asciiCaseInsensitiveEquals($0, "chunked") }) {
                throw HTTPParseError.badRequest("chunked applied twice.")
            }
            // §6.1: a coding we do not understand is 501.
            if codings.count > 1 { throw HTTPParseError.notImplemented("Unsupported transfer coding.") }
            return .chunked
        }
        guard !cl.isEmpty else { return .none }
        // §6.3 item 5 and RFC 9110 §8.6: a list of identical values may be folded; anything else is fatal.
        var length: Int?
        for value in cl {
            for part in value.split(separator: ",", omittingEmptySubsequences: false) {
                guard let n = parseContentLength(trimOWS(part)) else {
                    throw HTTPParseError.badRequest("Invalid Content-Length.")
                }
                if let l = length, l != n { throw HTTPParseError.badRequest("Conflicting Content-Length.") }
                length = n
            }
        }
        guard let n = length else { throw HTTPParseError.badRequest("Invalid Content-Length.") }
        return n == 0 ? .none : .length(n)
    }

    /// 1*DIGIT, bounded so it never overflows (RFC 9110 §8.6).
    static func parseContentLength(_ s: Substring) -> Int? {
        guard !s.isEmpty, s.utf8.count <= 18 else { return nil }
        var n = 0
        for c in s.utf8 {
            guard c >= 0x30 && c <= 0x39 else { return nil }
            n = n * 10 + Int(c - 0x30)
        }
        return n
    }
}
