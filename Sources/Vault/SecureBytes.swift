import COpenSSL

/// Overwrites `buffer` with zeros through OPENSSL_cleanse, which the optimiser may not elide.
@inline(never)
func secureWipe(_ buffer: UnsafeMutableRawBufferPointer) {
    guard let base = buffer.baseAddress, buffer.count > 0 else { return }
    OPENSSL_cleanse(base, buffer.count)
}

/// Secret bytes (keys, shared secrets, plaintext key material) held in memory that is wiped with
/// `OPENSSL_cleanse` when the last copy is released. Compares in constant time and never prints
/// its content.
public struct SecureBytes: Sendable {
    // Immutable after init: the buffer is written only by the initialiser and by deinit's wipe.
    final class Storage: @unchecked Sendable {
        let pointer: UnsafeMutableRawPointer
        let count: Int

        init(count: Int) {
            self.count = count
            // Never allocate zero bytes, so `pointer` is always a valid address for OpenSSL calls.
            self.pointer = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1), alignment: 16)
            pointer.initializeMemory(as: UInt8.self, repeating: 0, count: max(count, 1))
        }

        deinit {
            OPENSSL_cleanse(pointer, max(count, 1))
            pointer.deallocate()
        }
    }

    let storage: Storage

    /// The number of secret bytes.
    public var count: Int { storage.count }

    /// Copies `bytes` into wiped-on-release memory. The caller's array itself is not wiped.
    public init(_ bytes: [UInt8]) {
        storage = Storage(count: bytes.count)
        bytes.withUnsafeBytes { source in
            if let base = source.baseAddress, source.count > 0 {
                storage.pointer.copyMemory(from: base, byteCount: source.count)
            }
        }
    }

    /// Creates `count` bytes filled by `initializer`, so that derived secrets never pass through an
    /// unwiped array. If `initializer` throws, the partly written buffer is wiped.
    init(count: Int, initializer: (UnsafeMutableRawBufferPointer) throws -> Void) rethrows {
        storage = Storage(count: count)
        try initializer(UnsafeMutableRawBufferPointer(start: storage.pointer, count: count))
    }

    /// The bytes at `range` as their own secret, copied buffer to buffer with no array between.
    public func slice(_ range: Range<Int>) -> SecureBytes {
        precondition(range.lowerBound >= 0 && range.upperBound <= count)
        return SecureBytes(count: range.count) { out in
            withUnsafeBytes { source in
                if range.count > 0 { out.baseAddress!.copyMemory(from: source.baseAddress! + range.lowerBound, byteCount: range.count) }
            }
        }
    }

    /// Overwrites an array that held a secret (an HMAC output, a decoded token) before it is
    /// released, for the arrays an API hands back that SecureBytes cannot own.
    public static func wipe(_ bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { secureWipe($0) }
    }

    /// `count` bytes from the OpenSSL CSPRNG (`RAND_bytes`).
    public static func random(count: Int) throws -> SecureBytes {
        try Random.secureBytes(count)
    }

    /// Lends the secret bytes to `body`; the pointer must not escape it.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try withExtendedLifetime(storage) {
            try body(UnsafeRawBufferPointer(start: storage.pointer, count: storage.count))
        }
    }

    /// A copy of the secret as a plain array, which will not be wiped: only for handing the bytes
    /// to a place that cannot take `SecureBytes` (a key file, a test).
    public func unsafeCopyToArray() -> [UInt8] {
        withUnsafeBytes { Array($0) }
    }
}

extension SecureBytes: Equatable {
    /// Constant-time for equal lengths (CRYPTO_memcmp); the length itself is not secret.
    public static func == (lhs: SecureBytes, rhs: SecureBytes) -> Bool {
        lhs.withUnsafeBytes { a in rhs.withUnsafeBytes { b in ConstantTime.equals(a, b) } }
    }
}

extension SecureBytes: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Shows only the length, so that a log line or `dump` never carries the secret.
    public var description: String { "SecureBytes(\(count) bytes, redacted)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["count": count]) }
}
