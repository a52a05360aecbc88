import COpenSSL

/// Owns one EVP_CIPHER_CTX for a single AES-256-GCM operation; freed (and so cleansed) in deinit.
final class CipherContext {
    private let context: OpaquePointer

    init() throws {
        guard let context = EVP_CIPHER_CTX_new() else { throw VaultError.ossl("EVP_CIPHER_CTX_new") }
        self.context = context
    }

    deinit { EVP_CIPHER_CTX_free(context) }

    /// Encrypts `plaintext` into `ciphertext` (same length) and writes the 16-byte tag.
    func gcmSeal(key: UnsafeRawBufferPointer, nonce: UnsafeRawBufferPointer,
                 associatedData: UnsafeRawBufferPointer, plaintext: UnsafeRawBufferPointer,
                 ciphertext: UnsafeMutableRawBufferPointer, tag: UnsafeMutableRawBufferPointer,
                 operation: String) throws {
        precondition(ciphertext.count == plaintext.count && tag.count == AESGCM.tagCount)
        try initialise(encrypt: true, key: key, nonce: nonce, operation: operation)
        try feedAssociatedData(associatedData, encrypt: true, operation: operation)
        try process(encrypt: true, input: plaintext, output: ciphertext, operation: operation)
        var outLength: Int32 = 0
        var scratch = [UInt8](repeating: 0, count: 32)
        guard EVP_EncryptFinal_ex(context, &scratch, &outLength) == 1, outLength == 0 else {
            throw VaultError.ossl(operation)
        }
        guard EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_GET_TAG, Int32(AESGCM.tagCount),
                                  tag.baseAddress) == 1 else {
            throw VaultError.ossl(operation)
        }
    }

    /// Decrypts into `plaintext` and verifies the tag. On any failure `plaintext` is wiped before
    /// the error is thrown, so unauthenticated bytes never reach the caller.
    func gcmOpen(key: UnsafeRawBufferPointer, nonce: UnsafeRawBufferPointer,
                 associatedData: UnsafeRawBufferPointer, ciphertext: UnsafeRawBufferPointer,
                 tag: UnsafeRawBufferPointer, plaintext: UnsafeMutableRawBufferPointer,
                 operation: String) throws {
        precondition(ciphertext.count == plaintext.count && tag.count == AESGCM.tagCount)
        do {
            try initialise(encrypt: false, key: key, nonce: nonce, operation: operation)
            try feedAssociatedData(associatedData, encrypt: false, operation: operation)
            try process(encrypt: false, input: ciphertext, output: plaintext, operation: operation)
            guard EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_TAG, Int32(AESGCM.tagCount),
                                      UnsafeMutableRawPointer(mutating: tag.baseAddress)) == 1 else {
                throw VaultError.ossl(operation)
            }
            var outLength: Int32 = 0
            var scratch = [UInt8](repeating: 0, count: 32)
            guard EVP_DecryptFinal_ex(context, &scratch, &outLength) == 1 else {
                // A tag mismatch leaves nothing useful on the queue; empty it all the same.
                _ = OpenSSLErrors.drain()
                throw VaultError.authenticationFailed(operation: operation)
            }
        } catch {
            secureWipe(plaintext)
            throw error
        }
    }

    private func initialise(encrypt: Bool, key: UnsafeRawBufferPointer, nonce: UnsafeRawBufferPointer,
                            operation: String) throws {
        guard key.count == AESGCM.keyCount else {
            throw VaultError.invalidKey(what: operation, reason: "AES-256 needs a 32-byte key, got \(key.count) bytes")
        }
        guard nonce.count == AESGCM.nonceCount else {
            throw VaultError.invalidArgument(what: operation, reason: "AES-GCM nonce must be 12 bytes, got \(nonce.count)")
        }
        let initFunction = encrypt ? EVP_EncryptInit_ex : EVP_DecryptInit_ex
        guard initFunction(context, EVP_aes_256_gcm(), nil, nil, nil) == 1,
              EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_IVLEN, Int32(AESGCM.nonceCount), nil) == 1,
              initFunction(context, nil, nil, key.baseAddress!.assumingMemoryBound(to: UInt8.self),
                           nonce.baseAddress!.assumingMemoryBound(to: UInt8.self)) == 1 else {
            throw VaultError.ossl(operation)
        }
    }

    private func feedAssociatedData(_ data: UnsafeRawBufferPointer, encrypt: Bool, operation: String) throws {
        var offset = 0
        while offset < data.count {
            let piece = min(data.count - offset, 1 << 30)
            var outLength: Int32 = 0
            let input = data.baseAddress!.advanced(by: offset).assumingMemoryBound(to: UInt8.self)
            let ok = encrypt
                ? EVP_EncryptUpdate(context, nil, &outLength, input, Int32(piece))
                : EVP_DecryptUpdate(context, nil, &outLength, input, Int32(piece))
            guard ok == 1 else { throw VaultError.ossl(operation) }
            offset += piece
        }
    }

    private func process(encrypt: Bool, input: UnsafeRawBufferPointer, output: UnsafeMutableRawBufferPointer,
                         operation: String) throws {
        var offset = 0
        // GCM is a stream mode: each update writes exactly as many bytes as it reads.
        while offset < input.count {
            let piece = min(input.count - offset, 1 << 30)
            var outLength: Int32 = 0
            let source = input.baseAddress!.advanced(by: offset).assumingMemoryBound(to: UInt8.self)
            let target = output.baseAddress!.advanced(by: offset).assumingMemoryBound(to: UInt8.self)
            let ok = encrypt
                ? EVP_EncryptUpdate(context, target, &outLength, source, Int32(piece))
                : EVP_DecryptUpdate(context, target, &outLength, source, Int32(piece))
            guard ok == 1, Int(outLength) == piece else { throw VaultError.ossl(operation) }
            offset += piece
        }
    }
}
