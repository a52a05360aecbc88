/// A byte-stream filter fed an upload piece by piece, as it arrives from the network, so that a
/// file of hundreds of MiB is never held in memory: each call returns what can be emitted so far.
///
/// Contract for the gateway: if `feed` or `finish` throws, everything returned before is to be
/// discarded (a stripper emits image data before it has seen the checksum that covers it), and
/// the original upload is stored encrypted as it was, with the reporter told it was not cleaned.
public protocol StreamTransformer {
    mutating func feed(_ bytes: [UInt8]) throws -> [UInt8]
    mutating func finish() throws -> [UInt8]
}

extension StreamTransformer {
    /// Transforms a whole in-memory buffer. For small inputs (and tests) only; uploads go
    /// through `feed` so that memory stays constant.
    mutating func transformAll(_ bytes: [UInt8]) throws -> [UInt8] {
        var out = try feed(bytes)
        out += try finish()
        return out
    }
}

/// Why a file could not be cleaned. The message is for logs and for the case worker; the
/// reporter is told only that the file could not be cleaned of metadata.
public struct MetadataError: Error, CustomStringConvertible, Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        /// The signature / magic bytes are not those of the format.
        case notThisFormat
        /// The structure breaks the format spec (bad length, marker or chunk order).
        case malformed
        /// A checksum does not match (PNG chunk CRC).
        case badChecksum
        /// Legal but outside what we can clean with confidence (unknown critical chunk,
        /// JPEG extension markers).
        case unsupported
        /// The stream ended inside the structure.
        case truncated
        /// `feed` or `finish` called after `finish`.
        case misuse
    }

    let kind: Kind
    /// "JPEG" or "PNG".
    let format: String
    /// Offset in the input stream where the problem was detected.
    let offset: UInt64
    let message: String

    init(_ kind: Kind, format: String, offset: UInt64, _ message: String) {
        self.kind = kind
        self.format = format
        self.offset = offset
        self.message = message
    }

    public var description: String { "\(format) metadata stripping failed at byte \(offset): \(message)" }
}

/// What every stripper keeps beside its parser: how far into the input it is (for error offsets),
/// and the rule that once it has failed or finished it refuses further use with the same error.
struct StreamLifecycle: Sendable {
    let format: String
    fileprivate(set) var consumed: UInt64 = 0
    fileprivate var failure: MetadataError?
    fileprivate var finished = false

    init(format: String) { self.format = format }

    func check() throws {
        if let failure { throw failure }
        if finished { throw MetadataError(.misuse, format: format, offset: consumed, "used after finish()") }
    }

    func error(_ kind: MetadataError.Kind, _ message: String, at index: Int) -> MetadataError {
        MetadataError(kind, format: format, offset: consumed + UInt64(index), message)
    }
}

/// A stripper: a byte parser (`process`) wrapped in a `StreamLifecycle`.
protocol LatchingStripper: StreamTransformer {
    var lifecycle: StreamLifecycle { get set }
    /// Room to reserve beyond the input (headers re-emitted from the internal buffer).
    static var outputSlack: Int { get }
    mutating func process(_ p: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) throws
    /// Why the stream is incomplete if it ended now; nil when it may end here.
    var truncation: String? { get }
}

/// The lifecycle around every stripper's parser: a failure latches (every later call throws it),
/// and the end of input is checked against where the parser stands.
extension LatchingStripper {
    public mutating func feed(_ bytes: [UInt8]) throws -> [UInt8] {
        try lifecycle.check()
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + Self.outputSlack)
        do {
            try bytes.withUnsafeBufferPointer { try process($0, into: &out) }
        } catch let error as MetadataError {
            lifecycle.failure = error
            throw error
        }
        lifecycle.consumed += UInt64(bytes.count)
        return out
    }

    public mutating func finish() throws -> [UInt8] {
        try lifecycle.check()
        lifecycle.finished = true
        guard let message = truncation else { return [] }
        let error = MetadataError(.truncated, format: lifecycle.format, offset: lifecycle.consumed, message)
        lifecycle.failure = error
        throw error
    }

    func error(_ kind: MetadataError.Kind, _ message: String, at index: Int) -> MetadataError {
        lifecycle.error(kind, message, at: index)
    }
}
