import COpenSSL

// EVP_PKEY is never modified after creation, and OpenSSL 3 allows concurrent read-only use of one.
final class PKey: @unchecked Sendable {
    let pointer: OpaquePointer
    init(_ pointer: OpaquePointer) { self.pointer = pointer }
    deinit { EVP_PKEY_free(pointer) }
}

/// Owns one EVP_PKEY_CTX for a single key generation or derivation.
final class PKeyContext {
    let pointer: OpaquePointer

    init(key: PKey, operation: String) throws {
        guard let pointer = EVP_PKEY_CTX_new(key.pointer, nil) else { throw VaultError.ossl(operation) }
        self.pointer = pointer
    }

    init(id: Int32, operation: String) throws {
        guard let pointer = EVP_PKEY_CTX_new_id(id, nil) else { throw VaultError.ossl(operation) }
        self.pointer = pointer
    }

    deinit { EVP_PKEY_CTX_free(pointer) }
}

/// An X25519 public key (RFC 7748): 32 bytes, the little-endian u-coordinate.
public struct X25519PublicKey: Sendable, Equatable, CustomStringConvertible {
    /// Size of the raw representation in bytes.
    public static let count = 32

    /// The 32 raw bytes.
    public let rawRepresentation: [UInt8]
    let key: PKey

    /// Imports a raw 32-byte public key.
    public init(rawRepresentation: [UInt8]) throws {
        guard rawRepresentation.count == Self.count else {
            throw VaultError.invalidKey(what: "X25519 public key", reason: "expected 32 bytes, got \(rawRepresentation.count)")
        }
        guard let pointer = EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, nil, rawRepresentation, Self.count) else {
            throw VaultError.ossl("X25519 public key import")
        }
        self.rawRepresentation = rawRepresentation
        self.key = PKey(pointer)
    }

    public static func == (lhs: X25519PublicKey, rhs: X25519PublicKey) -> Bool {
        lhs.rawRepresentation == rhs.rawRepresentation
    }

    public var description: String {
        "X25519PublicKey(" + rawRepresentation.map { String(format2: $0) }.joined() + ")"
    }
}

/// An X25519 private key. The key lives inside OpenSSL's EVP_PKEY, which OpenSSL cleanses on free.
public struct X25519PrivateKey: Sendable, CustomStringConvertible {
    /// Size of the raw representation in bytes.
    public static let count = 32

    let key: PKey
    /// The matching public key.
    public let publicKey: X25519PublicKey

    /// Generates a new random key pair.
    public init() throws {
        let context = try PKeyContext(id: EVP_PKEY_X25519, operation: "X25519 key generation")
        var pointer: OpaquePointer?
        guard EVP_PKEY_keygen_init(context.pointer) == 1, EVP_PKEY_keygen(context.pointer, &pointer) == 1,
              let pointer else {
            throw VaultError.ossl("X25519 key generation")
        }
        try self.init(owning: PKey(pointer))
    }

    /// Imports a raw 32-byte private key (the scalar; OpenSSL clamps it as RFC 7748 says).
    public init(rawRepresentation: SecureBytes) throws {
        guard rawRepresentation.count == Self.count else {
            throw VaultError.invalidKey(what: "X25519 private key", reason: "expected 32 bytes, got \(rawRepresentation.count)")
        }
        let pointer = rawRepresentation.withNonNullPointer { bytes, count in
            EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, nil, bytes, count)
        }
        guard let pointer else { throw VaultError.ossl("X25519 private key import") }
        try self.init(owning: PKey(pointer))
    }

    private init(owning key: PKey) throws {
        self.key = key
        var raw = [UInt8](repeating: 0, count: X25519PublicKey.count)
        var length = raw.count
        guard EVP_PKEY_get_raw_public_key(key.pointer, &raw, &length) == 1, length == X25519PublicKey.count else {
            throw VaultError.ossl("X25519 public key export")
        }
        self.publicKey = try X25519PublicKey(rawRepresentation: raw)
    }

    /// The raw 32-byte private key, in wiped-on-release memory.
    public var rawRepresentation: SecureBytes {
        get throws {
            try SecureBytes(count: Self.count) { out in
                var length = out.count
                guard EVP_PKEY_get_raw_private_key(key.pointer, out.baseAddress!.assumingMemoryBound(to: UInt8.self),
                                                   &length) == 1, length == Self.count else {
                    secureWipe(out)
                    throw VaultError.ossl("X25519 private key export")
                }
            }
        }
    }

    /// The X25519 shared secret with `peer`. Throws `.invalidKey` when the result would be all
    /// zero, which happens exactly when `peer` is a small-order point chosen to force a known secret.
    public func sharedSecret(with peer: X25519PublicKey) throws -> SecureBytes {
        let operation = "X25519 key agreement"
        let context = try PKeyContext(key: key, operation: operation)
        guard EVP_PKEY_derive_init(context.pointer) == 1, EVP_PKEY_derive_set_peer(context.pointer, peer.key.pointer) == 1 else {
            throw VaultError.ossl(operation)
        }
        let smallOrder = VaultError.invalidKey(
            what: operation, reason: "the peer public key is a small-order point (the shared secret would be all zero)")
        return try SecureBytes(count: 32) { out in
            var length = out.count
            guard EVP_PKEY_derive(context.pointer, out.baseAddress!.assumingMemoryBound(to: UInt8.self), &length) == 1,
                  length == 32 else {
                secureWipe(out)
                // OpenSSL itself refuses an all-zero result; anything else it refuses is reported as is.
                let detail = OpenSSLErrors.drain()
                if detail.isEmpty || detail.contains("failed during derivation") { throw smallOrder }
                throw VaultError.openSSL(operation: operation, detail: detail)
            }
            if ConstantTime.isAllZero(UnsafeRawBufferPointer(out)) {
                secureWipe(out)
                throw smallOrder
            }
        }
    }

    /// Never shows the private key.
    public var description: String { "X25519PrivateKey(public: \(publicKey), private: redacted)" }
}

extension String {
    init(format2 byte: UInt8) {
        let digits = Array("0123456789abcdef")
        self.init([digits[Int(byte >> 4)], digits[Int(byte & 0x0f)]])
    }
}
