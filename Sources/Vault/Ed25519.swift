import COpenSSL

/// Owns one EVP_MD_CTX for a single Ed25519 sign or verify (Ed25519 is one-shot: no digest is
/// named, the whole message goes to EVP_DigestSign / EVP_DigestVerify).
final class DigestSignContext {
    let pointer: OpaquePointer

    init(operation: String) throws {
        guard let pointer = EVP_MD_CTX_new() else { throw VaultError.ossl(operation) }
        self.pointer = pointer
    }

    deinit { EVP_MD_CTX_free(pointer) }
}

/// An Ed25519 public key (RFC 8032): 32 bytes, the encoded point.
public struct Ed25519PublicKey: Sendable, Equatable, CustomStringConvertible {
    /// Size of the raw representation in bytes.
    public static let count = 32
    /// Size of a signature in bytes.
    public static let signatureCount = 64

    /// The 32 raw bytes.
    public let rawRepresentation: [UInt8]
    let key: PKey

    /// Imports a raw 32-byte public key; throws if it is not 32 bytes or not a point OpenSSL accepts.
    public init(rawRepresentation: [UInt8]) throws {
        guard rawRepresentation.count == Self.count else {
            throw VaultError.invalidKey(what: "Ed25519 public key", reason: "expected 32 bytes, got \(rawRepresentation.count)")
        }
        guard let pointer = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nil, rawRepresentation, Self.count) else {
            throw VaultError.ossl("Ed25519 public key import")
        }
        self.rawRepresentation = rawRepresentation
        self.key = PKey(pointer)
    }

    /// True when `signature` is this key's Ed25519 signature of `message` (RFC 8032, pure Ed25519).
    /// Never throws: a malformed signature is simply not valid.
    public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        guard signature.count == Self.signatureCount,
              let context = try? DigestSignContext(operation: "Ed25519 verify"),
              EVP_DigestVerifyInit(context.pointer, nil, nil, nil, key.pointer) == 1 else {
            OpenSSLErrors.clear()
            return false
        }
        let ok = withNonNullBytes(message) { pointer, count in
            EVP_DigestVerify(context.pointer, signature, signature.count, pointer, count)
        }
        if ok != 1 { OpenSSLErrors.clear() }
        return ok == 1
    }

    public static func == (lhs: Ed25519PublicKey, rhs: Ed25519PublicKey) -> Bool {
        lhs.rawRepresentation == rhs.rawRepresentation
    }

    public var description: String {
        "Ed25519PublicKey(" + rawRepresentation.map { String(format2: $0) }.joined() + ")"
    }
}

/// An Ed25519 private key (the 32-byte seed of RFC 8032), inside OpenSSL's EVP_PKEY.
public struct Ed25519PrivateKey: Sendable, CustomStringConvertible {
    /// Size of the raw representation (the seed) in bytes.
    public static let count = 32

    let key: PKey
    /// The matching public key.
    public let publicKey: Ed25519PublicKey

    /// Generates a new random key pair.
    public init() throws {
        let context = try PKeyContext(id: EVP_PKEY_ED25519, operation: "Ed25519 key generation")
        var pointer: OpaquePointer?
        guard EVP_PKEY_keygen_init(context.pointer) == 1, EVP_PKEY_keygen(context.pointer, &pointer) == 1,
              let pointer else {
            throw VaultError.ossl("Ed25519 key generation")
        }
        try self.init(owning: PKey(pointer))
    }

    /// Imports a raw 32-byte seed.
    public init(rawRepresentation: SecureBytes) throws {
        guard rawRepresentation.count == Self.count else {
            throw VaultError.invalidKey(what: "Ed25519 private key", reason: "expected 32 bytes, got \(rawRepresentation.count)")
        }
        let pointer = rawRepresentation.withNonNullPointer { bytes, count in
            EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nil, bytes, count)
        }
        guard let pointer else { throw VaultError.ossl("Ed25519 private key import") }
        try self.init(owning: PKey(pointer))
    }

    private init(owning key: PKey) throws {
        self.key = key
        var raw = [UInt8](repeating: 0, count: Ed25519PublicKey.count)
        var length = raw.count
        guard EVP_PKEY_get_raw_public_key(key.pointer, &raw, &length) == 1, length == Ed25519PublicKey.count else {
            throw VaultError.ossl("Ed25519 public key export")
        }
        self.publicKey = try Ed25519PublicKey(rawRepresentation: raw)
    }

    /// The raw 32-byte seed, in wiped-on-release memory.
    public var rawRepresentation: SecureBytes {
        get throws {
            try SecureBytes(count: Self.count) { out in
                var length = out.count
                guard EVP_PKEY_get_raw_private_key(key.pointer, out.baseAddress!.assumingMemoryBound(to: UInt8.self),
                                                   &length) == 1, length == Self.count else {
                    secureWipe(out)
                    throw VaultError.ossl("Ed25519 private key export")
                }
            }
        }
    }

    /// The 64-byte Ed25519 signature of `message` (deterministic: the same message, the same signature).
    public func signature(for message: [UInt8]) throws -> [UInt8] {
        let operation = "Ed25519 sign"
        let context = try DigestSignContext(operation: operation)
        guard EVP_DigestSignInit(context.pointer, nil, nil, nil, key.pointer) == 1 else { throw VaultError.ossl(operation) }
        var signature = [UInt8](repeating: 0, count: Ed25519PublicKey.signatureCount)
        var length = signature.count
        let ok = withNonNullBytes(message) { pointer, count in
            EVP_DigestSign(context.pointer, &signature, &length, pointer, count)
        }
        guard ok == 1, length == Ed25519PublicKey.signatureCount else { throw VaultError.ossl(operation) }
        return signature
    }

    /// Never shows the private key.
    public var description: String { "Ed25519PrivateKey(public: \(publicKey), private: redacted)" }
}
