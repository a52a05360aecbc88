/// Chunked AES-256-GCM for large files and streams, in constant memory (one chunk).
///
/// Format (version 1), all integers big-endian:
///
///     header (25 bytes): version(1) = 0x01 | chunk size(4) | salt(16) | nonce prefix(4)
///     then chunks 0, 1, ..., n-1:  ciphertext | tag(16)
///
/// - chunk size: plaintext bytes in every chunk but the last, 1 ... 16 MiB (default 64 KiB).
///   The last chunk holds 0 ... chunk size bytes and is always present (an empty input gives one
///   empty final chunk); a chunk is sealed as final only once the sealer knows no more data follows.
/// - file key = HKDF-SHA256(ikm: caller key, salt: salt, info: "candor/stream/v1", 32 bytes), so
///   nonces never repeat across files sealed under one caller key.
/// - nonce of chunk i = nonce prefix(4) | i(8).
/// - associated data of chunk i = header(25) | i(8) | final flag(1: 0x01 last, 0x00 otherwise)
///   | caller associated data.
///
/// So altering any byte fails a tag; moving, repeating or dropping a chunk changes its index;
/// cutting the stream at a chunk boundary leaves a last chunk not marked final; data appended
/// after the final chunk makes the final chunk be read as non-final. All of these fail.
/// The opener releases a chunk's plaintext only after that chunk's tag has been verified.
public enum StreamFormat {
    /// Format version written by `StreamSealer`.
    public static let version: UInt8 = 1
    /// Default plaintext bytes per chunk.
    public static let defaultChunkSize = 64 * 1024
    /// Largest chunk size written or accepted.
    public static let maximumChunkSize = 16 * 1024 * 1024
    static let headerCount = 25
    static let saltCount = 16
    static let noncePrefixCount = 4
    static let label = Array("candor/stream/v1".utf8)
    static let what = "Encrypted stream"

    static func fileKey(_ key: SecureBytes, salt: ArraySlice<UInt8>) throws -> SecureBytes {
        guard key.count == AESGCM.keyCount else {
            throw VaultError.invalidKey(what: what, reason: "AES-256 needs a 32-byte key, got \(key.count) bytes")
        }
        return try HKDF.sha256(ikm: key, salt: Array(salt), info: label, outputCount: AESGCM.keyCount)
    }

    static func nonce(prefix: ArraySlice<UInt8>, index: UInt64) -> [UInt8] {
        Array(prefix) + bigEndian(index)
    }

    static func associatedData(header: [UInt8], index: UInt64, final: Bool, callerData: [UInt8]) -> [UInt8] {
        header + bigEndian(index) + [final ? 1 : 0] + callerData
    }

    static func bigEndian(_ value: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * UInt64($0))) }
    }
}

/// Seals a stream fed in pieces of any size; see `StreamFormat` for the format.
public final class StreamSealer {
    private let fileKey: SecureBytes
    private let header: [UInt8]
    private let callerData: [UInt8]
    private let pending: WipedBuffer
    private var index: UInt64 = 0
    private var headerWritten = false
    private var finished = false

    /// Starts a stream under a 32-byte `key`; `associatedData` is bound to every chunk.
    public init(key: SecureBytes, associatedData: [UInt8] = [], chunkSize: Int = StreamFormat.defaultChunkSize) throws {
        guard (1...StreamFormat.maximumChunkSize).contains(chunkSize) else {
            throw VaultError.invalidArgument(what: StreamFormat.what, reason: "chunk size must be 1...\(StreamFormat.maximumChunkSize) bytes, got \(chunkSize)")
        }
        let size = UInt32(chunkSize)
        let random = try Random.bytes(StreamFormat.saltCount + StreamFormat.noncePrefixCount)
        header = [StreamFormat.version] + (0..<4).map { UInt8(truncatingIfNeeded: size >> (24 - 8 * UInt32($0))) } + random
        fileKey = try StreamFormat.fileKey(key, salt: random[..<StreamFormat.saltCount])
        callerData = associatedData
        pending = WipedBuffer(capacity: chunkSize)
    }

    /// Adds plaintext; returns the sealed bytes ready so far (possibly none).
    public func update(_ bytes: [UInt8]) throws -> [UInt8] {
        try bytes.withUnsafeBytes { try update($0) }
    }

    /// Adds the plaintext at `bytes`; returns the sealed bytes ready so far (possibly none).
    public func update(_ bytes: UnsafeRawBufferPointer) throws -> [UInt8] {
        guard !finished else { throw VaultError.invalidState("\(StreamFormat.what): update after finish") }
        var out = takeHeader()
        var offset = 0
        while offset < bytes.count {
            // A full chunk followed by more input is certainly not the last one.
            if pending.isFull { try sealPending(final: false, into: &out) }
            offset += pending.append(UnsafeRawBufferPointer(rebasing: bytes[offset...]))
        }
        return out
    }

    /// Seals what is left as the final chunk; returns the last sealed bytes.
    public func finish() throws -> [UInt8] {
        guard !finished else { throw VaultError.invalidState("\(StreamFormat.what): finish called twice") }
        var out = takeHeader()
        try sealPending(final: true, into: &out)
        finished = true
        return out
    }

    private func takeHeader() -> [UInt8] {
        if headerWritten { return [] }
        headerWritten = true
        return header
    }

    private func sealPending(final: Bool, into out: inout [UInt8]) throws {
        let nonce = StreamFormat.nonce(prefix: header[(1 + 4 + StreamFormat.saltCount)...], index: index)
        let ad = StreamFormat.associatedData(header: header, index: index, final: final, callerData: callerData)
        let start = out.count
        out += [UInt8](repeating: 0, count: pending.count + AESGCM.tagCount)
        try fileKey.withUnsafeBytes { k in
            try nonce.withUnsafeBytes { n in
                try ad.withUnsafeBytes { a in
                    try out.withUnsafeMutableBytes { o in
                        try CipherContext().gcmSeal(
                            key: k, nonce: n, associatedData: a, plaintext: pending.bytes,
                            ciphertext: UnsafeMutableRawBufferPointer(rebasing: o[start..<(start + pending.count)]),
                            tag: UnsafeMutableRawBufferPointer(rebasing: o[(start + pending.count)...]),
                            operation: "\(StreamFormat.what) seal (chunk \(index))")
                    }
                }
            }
        }
        pending.removeAll()
        index += 1
    }
}

/// Opens a stream made by `StreamSealer`, fed in pieces of any size. Plaintext of a chunk is
/// returned only after its tag verifies; `finish` throws unless the final chunk was seen. After
/// any error the opener refuses further use.
public final class StreamOpener {
    private let key: SecureBytes
    private let callerData: [UInt8]
    private let maximumChunkSize: Int
    private var header: [UInt8] = []
    private var fileKey: SecureBytes?
    private var chunkSize = 0
    private var pending: WipedBuffer?
    private var plaintext: WipedBuffer?
    private var index: UInt64 = 0
    private var done = false

    /// Prepares to open a stream sealed under `key` with `associatedData`. Streams whose header
    /// declares chunks above `maximumChunkSize` are refused, which bounds memory.
    public init(key: SecureBytes, associatedData: [UInt8] = [], maximumChunkSize: Int = StreamFormat.maximumChunkSize) throws {
        guard key.count == AESGCM.keyCount else {
            throw VaultError.invalidKey(what: StreamFormat.what, reason: "AES-256 needs a 32-byte key, got \(key.count) bytes")
        }
        self.key = key
        self.callerData = associatedData
        self.maximumChunkSize = min(maximumChunkSize, StreamFormat.maximumChunkSize)
    }

    /// Adds sealed bytes; returns plaintext of every chunk verified so far (possibly none).
    public func update(_ bytes: [UInt8]) throws -> [UInt8] {
        try bytes.withUnsafeBytes { try update($0) }
    }

    /// Adds the sealed bytes at `bytes`; returns plaintext of every chunk verified so far.
    public func update(_ bytes: UnsafeRawBufferPointer) throws -> [UInt8] {
        guard !done else { throw VaultError.invalidState("\(StreamFormat.what): update after finish or after an error") }
        var out: [UInt8] = []
        do {
            var offset = 0
            if fileKey == nil {
                let taken = min(StreamFormat.headerCount - header.count, bytes.count)
                header += UnsafeRawBufferPointer(rebasing: bytes[..<taken])
                offset = taken
                if header.count == StreamFormat.headerCount { try parseHeader() }
            }
            guard let pending else { return [] }
            while offset < bytes.count {
                // A full chunk followed by more input must not be the final one.
                if pending.isFull { try openPending(final: false, into: &out) }
                offset += pending.append(UnsafeRawBufferPointer(rebasing: bytes[offset...]))
            }
            return out
        } catch {
            done = true
            out.withUnsafeMutableBytes { secureWipe($0) }
            throw error
        }
    }

    /// Opens the final chunk; throws if the stream ended early or carried trailing data.
    public func finish() throws -> [UInt8] {
        guard !done else { throw VaultError.invalidState("\(StreamFormat.what): finish called twice or after an error") }
        done = true
        guard let pending else {
            throw VaultError.malformedInput(what: StreamFormat.what, field: "header",
                                            reason: "the stream ended after \(header.count) of \(StreamFormat.headerCount) header bytes")
        }
        guard pending.count >= AESGCM.tagCount else {
            throw VaultError.malformedInput(what: StreamFormat.what, field: "final chunk",
                                            reason: "the stream ended before its final chunk (truncated after chunk \(index))")
        }
        var out: [UInt8] = []
        do {
            try openPending(final: true, into: &out)
        } catch VaultError.authenticationFailed(let operation) {
            // Tell a stream cut at a chunk boundary from a damaged one: the last chunk present
            // verifies as a non-final chunk. Nothing from this second check is released.
            if pending.isFull, (try? openPending(final: false, into: &out)) != nil {
                out.withUnsafeMutableBytes { secureWipe($0) }
                throw VaultError.malformedInput(what: StreamFormat.what, field: "final chunk",
                                                reason: "the stream is truncated: its last chunk is not marked final")
            }
            throw VaultError.authenticationFailed(operation: operation)
        }
        return out
    }

    private func parseHeader() throws {
        guard header[0] == StreamFormat.version else {
            throw VaultError.unsupportedVersion(what: StreamFormat.what, found: header[0], supported: StreamFormat.version)
        }
        let size = header[1..<5].reduce(0) { $0 << 8 | Int($1) }
        guard size >= 1, size <= maximumChunkSize else {
            throw VaultError.malformedInput(what: StreamFormat.what, field: "chunk size",
                                            reason: "\(size) is outside 1...\(maximumChunkSize)")
        }
        chunkSize = size
        fileKey = try StreamFormat.fileKey(key, salt: header[5..<(5 + StreamFormat.saltCount)])
        pending = WipedBuffer(capacity: size + AESGCM.tagCount)
        plaintext = WipedBuffer(capacity: size)
    }

    private func openPending(final: Bool, into out: inout [UInt8]) throws {
        guard let pending, let plaintext, let fileKey else { return }
        let nonce = StreamFormat.nonce(prefix: header[(5 + StreamFormat.saltCount)...], index: index)
        let ad = StreamFormat.associatedData(header: header, index: index, final: final, callerData: callerData)
        let bodyCount = pending.count - AESGCM.tagCount
        let target = UnsafeMutableRawBufferPointer(rebasing: plaintext.wholeCapacity[..<bodyCount])
        try fileKey.withUnsafeBytes { k in
            try nonce.withUnsafeBytes { n in
                try ad.withUnsafeBytes { a in
                    // Decrypts into the private chunk buffer; gcmOpen wipes it if the tag fails.
                    try CipherContext().gcmOpen(
                        key: k, nonce: n, associatedData: a,
                        ciphertext: UnsafeRawBufferPointer(rebasing: pending.bytes[..<bodyCount]),
                        tag: UnsafeRawBufferPointer(rebasing: pending.bytes[bodyCount...]),
                        plaintext: target, operation: "\(StreamFormat.what) open (chunk \(index))")
                }
            }
        }
        out += UnsafeRawBufferPointer(target)
        secureWipe(target)
        pending.removeAll()
        index += 1
    }
}
