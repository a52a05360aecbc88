// libFuzzer target for the server's RequestHeadParser (Sources/HTTPCore/RequestHeadParser.swift).
// Built by scripts/fuzz.sh with every HTTPCore source in one module.
//
// Beyond "no crash": every head the parser accepts must satisfy the properties below, which is
// what the rest of the server (framing, routing, keep-alive) relies on. A violated property is a
// precondition failure, which libFuzzer reports as a crash and saves the input.

/// What a parse decided, in a form that can be compared.
struct Decision: Equatable {
    let method: String
    let target: String
    let version: HTTPVersion
    let fields: [HTTPField]
    let framing: BodyFraming
    let pathSegments: [String]
    let query: String?
    let keepAlive: Bool
    let expectsContinue: Bool

    init(_ h: RequestHead) {
        method = h.method.rawValue
        target = h.target
        version = h.version
        fields = h.headers.fields
        framing = h.framing
        pathSegments = h.pathSegments
        query = h.query
        keepAlive = h.keepAlive
        expectsContinue = h.expectsContinue
    }
}

func asciiLower(_ s: String) -> String {
    String(decoding: s.utf8.map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 }, as: UTF8.self)
}

func asciiUpper(_ s: String) -> String {
    String(decoding: s.utf8.map { (0x61...0x7A).contains($0) ? $0 & ~0x20 : $0 }, as: UTF8.self)
}

/// The head written back out in canonical form: one SP in the request line, "name:value" fields
/// (never longer than what was parsed, so the size limits cannot refuse it).
func serialise(_ h: RequestHead) -> [UInt8] {
    var text = "\(h.method.rawValue) \(h.target) \(h.version)\r\n"
    for f in h.headers.fields { text += "\(f.name):\(f.value)\r\n" }
    text += "\r\n"
    return Array(text.utf8)
}

// fatalError, not precondition: the fuzz build is -O, which drops a precondition's message.
func check(_ ok: Bool, _ what: @autoclosure () -> String) {
    if !ok { fatalError("RequestHeadParser property violated: \(what())") }
}

func checkAccepted(_ head: RequestHead, input bytes: [UInt8]) {
    let limits = HTTPLimits()
    // The head ends where it says, with the empty line, and nothing after it changes the parse.
    check(head.length >= 4 && head.length <= bytes.count, "length \(head.length) outside the input (\(bytes.count))")
    check(Array(bytes[(head.length - 4)..<head.length]) == Array("\r\n\r\n".utf8), "head does not end with its empty line")
    let exact = Array(bytes[0..<head.length])
    guard let alone = try? RequestHeadParser.parse(exact, limits: limits) else {
        return check(false, "the head alone, without what follows, is refused")
    }
    check(Decision(alone) == Decision(head), "bytes after the head changed the parse")
    // No strict prefix of a head is a head: a parser that accepted early would misframe the stream.
    check((try? RequestHeadParser.parse(Array(exact.dropLast()), limits: limits)) == nil,
          "a head missing its last byte was accepted")

    // The request line: a token method, a target without whitespace or controls, HTTP/1.x.
    check(!head.method.rawValue.isEmpty && head.method.rawValue.utf8.allSatisfy(RequestHeadParser.isTokenChar),
          "method \(head.method.rawValue.debugDescription) is not a token")
    check(!head.target.isEmpty && head.target.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F },
          "target \(head.target.debugDescription) has whitespace, controls or non-ASCII")
    check(head.version == .http1_0 || head.version == .http1_1, "version \(head.version)")

    // Fields: token names; values without CR, LF, NUL or DEL and without surrounding whitespace.
    for f in head.headers.fields {
        check(!f.name.isEmpty && f.name.utf8.allSatisfy(RequestHeadParser.isTokenChar), "name \(f.name.debugDescription)")
        check(!f.value.utf8.contains { $0 == 0x0D || $0 == 0x0A || $0 == 0 || $0 == 0x7F },
              "value \(f.value.debugDescription) carries CR, LF, NUL or DEL")
        check(f.value.utf8.first.map { $0 != 0x20 && $0 != 0x09 } ?? true, "value \(f.value.debugDescription) has leading whitespace")
        check(f.value.utf8.last.map { $0 != 0x20 && $0 != 0x09 } ?? true, "value \(f.value.debugDescription) has trailing whitespace")
        // Lookups ignore ASCII case, and every spelling finds the same fields.
        let same = head.headers.fields.filter { asciiLower($0.name) == asciiLower(f.name) }.map(\.value)
        check(head.headers.values(for: asciiLower(f.name)) == same, "values(for:) lower-case disagrees for \(f.name)")
        check(head.headers.values(for: asciiUpper(f.name)) == same, "values(for:) upper-case disagrees for \(f.name)")
        check(head.headers[asciiUpper(f.name)] == same.first, "subscript disagrees for \(f.name)")
        check(head.headers.contains(asciiLower(f.name)), "contains() misses \(f.name)")
    }
    let hosts = head.headers.values(for: "host").count
    check(hosts <= 1 && (head.version != .http1_1 || hosts == 1), "\(hosts) Host fields in \(head.version)")

    // Framing agrees with the fields it came from.
    let lengths = head.headers.values(for: "content-length")
    let codings = head.headers.values(for: "transfer-encoding")
    let digits: [Int?] = lengths.flatMap { $0.split(separator: ",", omittingEmptySubsequences: false) }.map { part in
        let trimmed = trimOWS(part)
        guard !trimmed.isEmpty, trimmed.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        return Int(trimmed)
    }
    switch head.framing {
    case .chunked:
        check(head.version == .http1_1 && lengths.isEmpty && !codings.isEmpty, "chunked framing without its fields")
    case .length(let n):
        check(codings.isEmpty && !digits.isEmpty && digits.allSatisfy { $0 == n },
              "Content-Length \(lengths) framed as \(n)")
    case .none:
        check(codings.isEmpty && digits.allSatisfy { $0 == 0 }, "no body framed from \(lengths) \(codings)")
    }

    // Keep-alive follows the version and the Connection tokens.
    let connection = head.headers.values(for: "connection").flatMap { $0.split(separator: ",") }.map { asciiLower(String(trimOWS($0))) }
    let expected = head.version == .http1_1 ? !connection.contains("close")
                                            : connection.contains("keep-alive") && !connection.contains("close")
    check(head.keepAlive == expected, "keepAlive \(head.keepAlive) for \(head.version) Connection \(connection)")

    // Round trip: written back out in canonical form, the head parses to the same decision.
    let again: RequestHead
    do { again = try RequestHeadParser.parse(serialise(head), limits: limits) } catch {
        return check(false, "the re-serialised head is refused: \(error)")
    }
    check(Decision(again) == Decision(head), "re-serialised head parses differently")
    check(again.length == serialise(head).count, "re-serialised head length \(again.length)")
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRequestHead(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let limits = HTTPLimits()
    // A thrown error is a refusal, which is fine; what is accepted must hold the properties.
    let first = try? RequestHeadParser.parse(bytes, limits: limits)
    let second = try? RequestHeadParser.parse(bytes, limits: limits)
    check(first.map(Decision.init) == second.map(Decision.init), "parsing is not deterministic")
    if let head = first { checkAccepted(head, input: bytes) }
    return 0
}
