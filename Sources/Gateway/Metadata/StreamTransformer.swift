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
    public mutating func transformAll(_ bytes: [UInt8]) throws -> [UInt8] {
        var out = try feed(bytes)
        out += try finish()
        return out
    }
}

/// Why a file could not be cleaned. The message is for logs and for the case worker; the
/// reporter is told only that the file could not be cleaned of metadata.
public struct MetadataError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
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

    public let kind: Kind
    /// "JPEG" or "PNG".
    public let format: String
    /// Offset in the input stream where the problem was detected.
    public let offset: UInt64
    public let message: String

    public init(_ kind: Kind, format: String, offset: UInt64, _ message: String) {
        self.kind = kind
        self.format = format
        self.offset = offset
        self.message = message
    }

    public var description: String { "\(format) metadata stripping failed at byte \(offset): \(message)" }
}
