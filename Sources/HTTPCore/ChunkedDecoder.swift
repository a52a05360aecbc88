/// Push decoder for the chunked transfer coding (RFC 9112 §7.1). Chunk extensions are skipped,
/// trailer fields (§7.1.2) are checked for shape, bounded, and discarded.
///
/// Fuzzing entry point (pure, no I/O):
///     var d = ChunkedDecoder(limits: HTTPLimits())
///     let out = try d.feed(bytes)   // decoded body bytes from this piece; call repeatedly
///     d.isComplete                  // true once the last-chunk and trailer section are in
/// Bytes after the end of the chunked message are left unconsumed (they belong to the next
/// pipelined request); `feed` reports how many it used through `lastConsumed`. Malformed input
/// throws `HTTPParseError`. It must never crash or trap.
public struct ChunkedDecoder: Sendable {
    enum State: Sendable {
        case size, sizeExt, sizeLF
        case data, dataCR, dataLF
        case trailerLineStart, trailerLine, trailerLF, finalLF
        case done
    }

    let maxChunkLine: Int
    let maxTrailerBytes: Int
    var state = State.size
    var chunkRemaining = 0
    var sizeDigits = 0
    var lineBytes = 0
    var trailerBytes = 0
    var trailerHasColon = false

    public private(set) var lastConsumed = 0
    public var isComplete: Bool { state == .done }

    public init(limits: HTTPLimits = HTTPLimits()) {
        maxChunkLine = limits.maxChunkLine
        maxTrailerBytes = limits.maxTrailerBytes
    }

    public mutating func feed(_ bytes: [UInt8]) throws -> [UInt8] {
        try bytes.withUnsafeBytes { try feed($0) }
    }

    public mutating func feed(_ bytes: UnsafeRawBufferPointer) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: bytes.count)
        let (consumed, produced) = try out.withUnsafeMutableBytes { try decode(bytes, into: $0) }
        lastConsumed = consumed
        out.removeLast(out.count - produced)
        return out
    }

    static let malformed = HTTPParseError.badRequest("Malformed chunked body.")

    /// Decodes from `input` into `output` until either runs out or the message ends. `output`
    /// may alias `input` (decoded bytes never overtake the bytes being read), which lets the
    /// connection dechunk in place.
    mutating func decode(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws -> (consumed: Int, produced: Int) {
        var i = 0, o = 0
        let n = input.count
        while i < n && state != .done {
            let c = input[i]
            switch state {
            case .size:
                lineBytes += 1
                if let h = hexValue(c) {
                    sizeDigits += 1
                    // 15 hex digits keeps the value well inside Int.
                    guard sizeDigits <= 15 else { throw Self.malformed }
                    chunkRemaining = chunkRemaining << 4 | Int(h)
                } else if sizeDigits == 0 {
                    throw Self.malformed
                } else if c == 0x3B || c == 0x20 || c == 0x09 {  // ';' or BWS before it
                    state = .sizeExt
                } else if c == 0x0D {
                    state = .sizeLF
                } else {
                    throw Self.malformed
                }
                i += 1
            case .sizeExt:
                lineBytes += 1
                guard lineBytes <= maxChunkLine else { throw Self.malformed }
                if c == 0x0D { state = .sizeLF } else if c < 0x20 && c != 0x09 || c == 0x7F { throw Self.malformed }
                i += 1
            case .sizeLF:
                guard c == 0x0A else { throw Self.malformed }
                i += 1
                lineBytes = 0
                sizeDigits = 0
                state = chunkRemaining == 0 ? .trailerLineStart : .data
            case .data:
                let room = output.count - o
                if room == 0 { return (i, o) }
                let take = min(chunkRemaining, n - i, room)
                if let dst = output.baseAddress, let src = input.baseAddress {
                    // memmove semantics: safe when output aliases input.
                    (dst + o).copyMemory(from: src + i, byteCount: take)
                }
                i += take
                o += take
                chunkRemaining -= take
                if chunkRemaining == 0 { state = .dataCR }
            case .dataCR:
                guard c == 0x0D else { throw Self.malformed }
                i += 1
                state = .dataLF
            case .dataLF:
                guard c == 0x0A else { throw Self.malformed }
                i += 1
                state = .size
            case .trailerLineStart:
                if c == 0x0D {
                    state = .finalLF
                } else {
                    // A trailer line that starts with whitespace is obs-fold (§5.2).
                    guard c != 0x20 && c != 0x09 && c != 0x0A && c != 0x3A else { throw Self.malformed }
                    trailerHasColon = false
                    state = .trailerLine
                }
                try countTrailerByte()
                i += 1
            case .trailerLine:
                if c == 0x0D {
                    guard trailerHasColon else { throw Self.malformed }
                    state = .trailerLF
                } else if c == 0x3A {
                    trailerHasColon = true
                } else if c < 0x20 && c != 0x09 || c == 0x7F {
                    throw Self.malformed
                }
                try countTrailerByte()
                i += 1
            case .trailerLF:
                guard c == 0x0A else { throw Self.malformed }
                try countTrailerByte()
                i += 1
                state = .trailerLineStart
            case .finalLF:
                guard c == 0x0A else { throw Self.malformed }
                i += 1
                state = .done
            case .done:
                break
            }
        }
        return (i, o)
    }

    private mutating func countTrailerByte() throws {
        trailerBytes += 1
        if trailerBytes > maxTrailerBytes { throw HTTPParseError.headerFieldsTooLarge }
    }
}
