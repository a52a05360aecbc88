import COpenSSL

/// One-shot AES-256-GCM with a fresh random nonce per message.
///
/// Format (version 1): `version(1) = 0x01 | nonce(12) | ciphertext(n) | tag(16)`.
/// The version byte is also fed to GCM as the first byte of the associated data, so it cannot be
/// changed without the tag failing.
public enum AESGCM {
    /// Format version written by `seal`.
    public static let version: UInt8 = 1
    /// Key size in bytes (AES-256).
    public static let keyCount = 32
    /// Nonce size in bytes.
    public static let nonceCount = 12
    /// Tag size in bytes.
    public static let tagCount = 16
    /// Bytes added to a plaintext by `seal`.
    public static let overhead = 1 + nonceCount + tagCount

    static let sealOperation = "AES-256-GCM seal"
    static let openOperation = "AES-256-GCM open"

    /// Encrypts and authenticates `plaintext` and `associatedData` under a 32-byte `key`.
    public static func seal(_ plaintext: [UInt8], key: SecureBytes, associatedData: [UInt8] = []) throws -> [UInt8] {
        try sealWithNonce(plaintext, key: key, nonce: try Random.bytes(nonceCount), associatedData: associatedData)
    }

    /// Test-only entry point: seals under a caller-chosen nonce. A repeated nonce under one key
    /// destroys GCM's security, so this must never become public.
    static func sealWithNonce(_ plaintext: [UInt8], key: SecureBytes, nonce: [UInt8],
                              associatedData: [UInt8]) throws -> [UInt8] {
        guard nonce.count == nonceCount else {
            throw VaultError.invalidArgument(what: sealOperation, reason: "AES-GCM nonce must be 12 bytes, got \(nonce.count)")
        }
        var out = [UInt8](repeating: 0, count: plaintext.count + overhead)
        out[0] = version
        out.replaceSubrange(1..<(1 + nonceCount), with: nonce)
        try gcmSeal(plaintext, key: key, nonce: nonce, associatedData: [version] + associatedData, into: &out,
                    ciphertext: (1 + nonceCount)..<(out.count - tagCount), tag: (out.count - tagCount)..<out.count)
        return out
    }

    /// Test-only: bare AES-256-GCM (no version byte, no format) so published vectors can be
    /// checked. Returns `ciphertext | tag`.
    static func sealRaw(_ plaintext: [UInt8], key: SecureBytes, nonce: [UInt8], associatedData: [UInt8]) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: plaintext.count + tagCount)
        try gcmSeal(plaintext, key: key, nonce: nonce, associatedData: associatedData, into: &out,
                    ciphertext: 0..<plaintext.count, tag: plaintext.count..<out.count)
        return out
    }

    /// Test-only counterpart of `sealRaw`: takes `ciphertext | tag`.
    static func openRaw(_ sealed: [UInt8], key: SecureBytes, nonce: [UInt8], associatedData: [UInt8]) throws -> [UInt8] {
        guard sealed.count >= tagCount else {
            throw VaultError.malformedInput(what: openOperation, field: "message length", reason: "shorter than the tag")
        }
        var plaintext = [UInt8](repeating: 0, count: sealed.count - tagCount)
        try plaintext.withUnsafeMutableBytes {
            try gcmOpen(sealed, key: key, nonce: nonce, associatedData: associatedData,
                        ciphertext: 0..<(sealed.count - tagCount), tag: (sealed.count - tagCount)..<sealed.count, into: $0)
        }
        return plaintext
    }

    /// Verifies and decrypts a message made by `seal`. Throws `.authenticationFailed` if the
    /// message, the key or the associated data differ from those used to seal.
    public static func open(_ sealed: [UInt8], key: SecureBytes, associatedData: [UInt8] = []) throws -> [UInt8] {
        let count = try plaintextCount(sealed)
        var plaintext = [UInt8](repeating: 0, count: count)
        try plaintext.withUnsafeMutableBytes { try open(sealed, key: key, associatedData: associatedData, into: $0) }
        return plaintext
    }

    /// Like `open`, but the plaintext (a key, say) goes straight into wiped-on-release memory.
    public static func openSecret(_ sealed: [UInt8], key: SecureBytes, associatedData: [UInt8] = []) throws -> SecureBytes {
        let count = try plaintextCount(sealed)
        return try SecureBytes(count: count) { try open(sealed, key: key, associatedData: associatedData, into: $0) }
    }

    /// Like `seal`, for a plaintext held as `SecureBytes`.
    public static func seal(_ plaintext: SecureBytes, key: SecureBytes, associatedData: [UInt8] = []) throws -> [UInt8] {
        // The copy lives only for this call and is wiped before returning.
        var copy = plaintext.unsafeCopyToArray()
        defer { copy.withUnsafeMutableBytes { secureWipe($0) } }
        return try seal(copy, key: key, associatedData: associatedData)
    }

    private static func plaintextCount(_ sealed: [UInt8]) throws -> Int {
        guard sealed.count >= overhead else {
            throw VaultError.malformedInput(what: openOperation, field: "message length",
                                            reason: "\(sealed.count) bytes is shorter than the \(overhead)-byte minimum")
        }
        guard sealed[0] == version else {
            throw VaultError.unsupportedVersion(what: openOperation, found: sealed[0], supported: version)
        }
        return sealed.count - overhead
    }

    private static func open(_ sealed: [UInt8], key: SecureBytes, associatedData: [UInt8],
                             into plaintext: UnsafeMutableRawBufferPointer) throws {
        try gcmOpen(sealed, key: key, nonce: Array(sealed[1..<(1 + nonceCount)]), associatedData: [version] + associatedData,
                    ciphertext: (1 + nonceCount)..<(sealed.count - tagCount), tag: (sealed.count - tagCount)..<sealed.count,
                    into: plaintext)
    }

    /// The one place a seal reaches OpenSSL: ciphertext and tag written into `out` at the ranges
    /// the format gives them.
    private static func gcmSeal(_ plaintext: [UInt8], key: SecureBytes, nonce: [UInt8], associatedData: [UInt8],
                                into out: inout [UInt8], ciphertext: Range<Int>, tag: Range<Int>) throws {
        try key.withUnsafeBytes { k in
            try out.withUnsafeMutableBytes { o in
                try plaintext.withUnsafeBytes { p in
                    try nonce.withUnsafeBytes { n in
                        try associatedData.withUnsafeBytes { a in
                            try CipherContext().gcmSeal(
                                key: k, nonce: n, associatedData: a, plaintext: p,
                                ciphertext: UnsafeMutableRawBufferPointer(rebasing: o[ciphertext]),
                                tag: UnsafeMutableRawBufferPointer(rebasing: o[tag]), operation: sealOperation)
                        }
                    }
                }
            }
        }
    }

    /// The one place an open reaches OpenSSL; nothing is written to `plaintext` the tag does not
    /// vouch for (CipherContext wipes it on failure).
    private static func gcmOpen(_ sealed: [UInt8], key: SecureBytes, nonce: [UInt8], associatedData: [UInt8],
                                ciphertext: Range<Int>, tag: Range<Int>, into plaintext: UnsafeMutableRawBufferPointer) throws {
        try key.withUnsafeBytes { k in
            try sealed.withUnsafeBytes { s in
                try nonce.withUnsafeBytes { n in
                    try associatedData.withUnsafeBytes { a in
                        try CipherContext().gcmOpen(
                            key: k, nonce: n, associatedData: a,
                            ciphertext: UnsafeRawBufferPointer(rebasing: s[ciphertext]),
                            tag: UnsafeRawBufferPointer(rebasing: s[tag]),
                            plaintext: plaintext, operation: openOperation)
                    }
                }
            }
        }
    }
}
