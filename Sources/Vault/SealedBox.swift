/// Public-key encryption to an X25519 key (DESIGN.md, "Sealed box"): anyone can seal for a
/// recipient; only the holder of the private key can open.
///
/// Format (version 1):
/// `version(1) = 0x01 | ephemeral public key(32) | nonce(12) | ciphertext(n) | tag(16)`
///
/// - shared = X25519(ephemeral private, recipient public), refused if all zero
/// - key = HKDF-SHA256(ikm: shared, salt: ephemeral public ‖ recipient public,
///   info: "candor/sealed-box/v1" ‖ context, 32 bytes)
/// - AES-256-GCM under key with a random nonce; associated data = version ‖ ephemeral public key.
///
/// The context (for example a case id and a grant kind) must be the same to open; a box cannot be
/// replayed into another context unnoticed.
public enum SealedBox {
    /// Format version written by `seal`.
    public static let version: UInt8 = 1
    /// Bytes added to a plaintext by `seal`.
    public static let overhead = 1 + X25519PublicKey.count + AESGCM.nonceCount + AESGCM.tagCount
    static let label = Array("candor/sealed-box/v1".utf8)
    static let openOperation = "Sealed box open"

    /// Seals `plaintext` for `recipient`, bound to `context`.
    public static func seal(_ plaintext: [UInt8], to recipient: X25519PublicKey, context: [UInt8] = []) throws -> [UInt8] {
        let ephemeral = try X25519PrivateKey()
        let key = try deriveKey(shared: try ephemeral.sharedSecret(with: recipient),
                                ephemeral: ephemeral.publicKey, recipient: recipient, context: context)
        let inner = try AESGCM.seal(plaintext, key: key, associatedData: associatedData(ephemeral.publicKey))
        return [version] + ephemeral.publicKey.rawRepresentation + inner.dropFirst()
    }

    /// Seals a secret (a case key, say) for `recipient`, bound to `context`.
    public static func seal(_ secret: SecureBytes, to recipient: X25519PublicKey, context: [UInt8] = []) throws -> [UInt8] {
        var copy = secret.unsafeCopyToArray()
        defer { copy.withUnsafeMutableBytes { secureWipe($0) } }
        return try seal(copy, to: recipient, context: context)
    }

    /// Opens a box sealed for `privateKey`'s public key with the same `context`.
    public static func open(_ box: [UInt8], with privateKey: X25519PrivateKey, context: [UInt8] = []) throws -> [UInt8] {
        let (inner, key, ad) = try prepareOpen(box, privateKey: privateKey, context: context)
        return try relabel { try AESGCM.open(inner, key: key, associatedData: ad) }
    }

    /// Like `open`, with the plaintext (a key) going straight into wiped-on-release memory.
    public static func openSecret(_ box: [UInt8], with privateKey: X25519PrivateKey, context: [UInt8] = []) throws -> SecureBytes {
        let (inner, key, ad) = try prepareOpen(box, privateKey: privateKey, context: context)
        return try relabel { try AESGCM.openSecret(inner, key: key, associatedData: ad) }
    }

    private static func prepareOpen(_ box: [UInt8], privateKey: X25519PrivateKey, context: [UInt8])
        throws -> (inner: [UInt8], key: SecureBytes, associatedData: [UInt8]) {
        guard box.count >= overhead else {
            throw VaultError.malformedInput(what: openOperation, field: "box length",
                                            reason: "\(box.count) bytes is shorter than the \(overhead)-byte minimum")
        }
        guard box[0] == version else {
            throw VaultError.unsupportedVersion(what: openOperation, found: box[0], supported: version)
        }
        let ephemeral: X25519PublicKey
        do {
            ephemeral = try X25519PublicKey(rawRepresentation: Array(box[1..<(1 + X25519PublicKey.count)]))
        } catch {
            throw VaultError.malformedInput(what: openOperation, field: "ephemeral public key", reason: "\(error)")
        }
        let shared: SecureBytes
        do {
            shared = try privateKey.sharedSecret(with: ephemeral)
        } catch VaultError.invalidKey {
            throw VaultError.malformedInput(what: openOperation, field: "ephemeral public key", reason: "small-order point")
        }
        let key = try deriveKey(shared: shared, ephemeral: ephemeral, recipient: privateKey.publicKey, context: context)
        let inner = [AESGCM.version] + box[(1 + X25519PublicKey.count)...]
        return (inner, key, associatedData(ephemeral))
    }

    private static func relabel<R>(_ body: () throws -> R) throws -> R {
        do { return try body() } catch VaultError.authenticationFailed {
            throw VaultError.authenticationFailed(operation: openOperation)
        }
    }

    static func deriveKey(shared: SecureBytes, ephemeral: X25519PublicKey, recipient: X25519PublicKey,
                          context: [UInt8]) throws -> SecureBytes {
        try HKDF.sha256(ikm: shared, salt: ephemeral.rawRepresentation + recipient.rawRepresentation,
                        info: label + context, outputCount: AESGCM.keyCount)
    }

    private static func associatedData(_ ephemeral: X25519PublicKey) -> [UInt8] {
        // AESGCM prepends its own version byte, which equals ours: together, version ‖ ephemeral key.
        ephemeral.rawRepresentation
    }
}
