import COpenSSL

/// SHA-256 (FIPS 180-4) through EVP_Digest.
public enum SHA256 {
    /// Digest size in bytes.
    public static let digestCount = 32

    /// The SHA-256 digest of `data`.
    public static func hash(_ data: [UInt8]) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: digestCount)
        var outLength: UInt32 = 0
        let ok = withNonNullBytes(data) { pointer, count in
            EVP_Digest(pointer, count, &out, &outLength, EVP_sha256(), nil)
        }
        guard ok == 1, outLength == UInt32(digestCount) else { throw VaultError.ossl("SHA-256") }
        return out
    }

    /// An incremental SHA-256 computation; owns one EVP_MD_CTX.
    public final class Hasher {
        private let context: OpaquePointer
        private var finished = false

        /// Starts a new digest.
        public init() throws {
            guard let context = EVP_MD_CTX_new() else { throw VaultError.ossl("SHA-256 (EVP_MD_CTX_new)") }
            self.context = context
            guard EVP_DigestInit_ex(context, EVP_sha256(), nil) == 1 else {
                EVP_MD_CTX_free(context)
                throw VaultError.ossl("SHA-256 init")
            }
        }

        deinit { EVP_MD_CTX_free(context) }

        /// Adds `data` to the digest.
        public func update(_ data: [UInt8]) throws {
            try data.withUnsafeBytes { try update($0) }
        }

        /// Adds the bytes at `data` to the digest.
        public func update(_ data: UnsafeRawBufferPointer) throws {
            guard !finished else { throw VaultError.invalidState("SHA-256: update after finalize") }
            guard data.count > 0 else { return }
            guard EVP_DigestUpdate(context, data.baseAddress, data.count) == 1 else {
                throw VaultError.ossl("SHA-256 update")
            }
        }

        /// Returns the digest; the hasher cannot be used afterwards.
        public func finalize() throws -> [UInt8] {
            guard !finished else { throw VaultError.invalidState("SHA-256: finalize called twice") }
            finished = true
            var out = [UInt8](repeating: 0, count: SHA256.digestCount)
            var outLength: UInt32 = 0
            guard EVP_DigestFinal_ex(context, &out, &outLength) == 1, outLength == UInt32(SHA256.digestCount) else {
                throw VaultError.ossl("SHA-256 final")
            }
            return out
        }
    }
}
