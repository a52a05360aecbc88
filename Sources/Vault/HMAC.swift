import COpenSSL

/// HMAC (RFC 2104) through EVP_MAC.
public enum HMAC {
    /// The hash function under the HMAC.
    public enum Algorithm: Sendable {
        case sha1, sha256

        var openSSLName: String { self == .sha1 ? "SHA1" : "SHA256" }
        var displayName: String { self == .sha1 ? "HMAC-SHA1" : "HMAC-SHA256" }
        /// Tag size in bytes.
        public var tagCount: Int { self == .sha1 ? 20 : 32 }
    }

    /// HMAC-SHA256 of `message` under `key`.
    public static func sha256(key: SecureBytes, message: [UInt8]) throws -> [UInt8] {
        try authenticate(.sha256, key: key, message: message)
    }

    /// HMAC-SHA1 of `message` under `key` (for TOTP; not for new designs).
    public static func sha1(key: SecureBytes, message: [UInt8]) throws -> [UInt8] {
        try authenticate(.sha1, key: key, message: message)
    }

    /// True when `tag` is the HMAC of `message`, compared in constant time.
    public static func isValid(_ tag: [UInt8], algorithm: Algorithm, key: SecureBytes, message: [UInt8]) throws -> Bool {
        ConstantTime.equals(try authenticate(algorithm, key: key, message: message), tag)
    }

    static func authenticate(_ algorithm: Algorithm, key: SecureBytes, message: [UInt8]) throws -> [UInt8] {
        let mac = try Authenticator(algorithm: algorithm, key: key)
        try mac.update(message)
        return try mac.finalize()
    }

    /// An incremental HMAC computation; owns one EVP_MAC_CTX, which holds the key until deinit
    /// frees (and OpenSSL cleanses) it.
    public final class Authenticator {
        private let context: OpaquePointer
        private let algorithm: Algorithm
        private var finished = false

        /// Starts an HMAC under `key`.
        public init(algorithm: Algorithm, key: SecureBytes) throws {
            self.algorithm = algorithm
            guard let mac = EVP_MAC_fetch(nil, "HMAC", nil) else { throw VaultError.ossl("\(algorithm.displayName) (EVP_MAC_fetch)") }
            defer { EVP_MAC_free(mac) }
            guard let context = EVP_MAC_CTX_new(mac) else { throw VaultError.ossl("\(algorithm.displayName) (EVP_MAC_CTX_new)") }
            self.context = context
            let ok = key.withNonNullPointer { pointer, count in
                candor_hmac_init(context, algorithm.openSSLName, pointer, count)
            }
            guard ok == 1 else {
                EVP_MAC_CTX_free(context)
                throw VaultError.ossl("\(algorithm.displayName) init")
            }
        }

        deinit { EVP_MAC_CTX_free(context) }

        /// Adds `data` to the message.
        public func update(_ data: [UInt8]) throws {
            try data.withUnsafeBytes { try update($0) }
        }

        /// Adds the bytes at `data` to the message.
        public func update(_ data: UnsafeRawBufferPointer) throws {
            guard !finished else { throw VaultError.invalidState("\(algorithm.displayName): update after finalize") }
            guard data.count > 0 else { return }
            guard EVP_MAC_update(context, data.baseAddress!.assumingMemoryBound(to: UInt8.self), data.count) == 1 else {
                throw VaultError.ossl("\(algorithm.displayName) update")
            }
        }

        /// Returns the tag; the authenticator cannot be used afterwards.
        public func finalize() throws -> [UInt8] {
            guard !finished else { throw VaultError.invalidState("\(algorithm.displayName): finalize called twice") }
            finished = true
            var out = [UInt8](repeating: 0, count: algorithm.tagCount)
            var outLength = 0
            guard EVP_MAC_final(context, &out, &outLength, out.count) == 1, outLength == algorithm.tagCount else {
                throw VaultError.ossl("\(algorithm.displayName) final")
            }
            return out
        }
    }
}
