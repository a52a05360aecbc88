// Vault: Candor's cryptography, on OpenSSL 3 EVP APIs only (DESIGN.md, "Keys and encryption").
//
// Where things are:
//   SecureBytes, WipedBuffer      secrets in memory wiped with OPENSSL_cleanse
//   Random, ConstantTime          RAND_bytes, CRYPTO_memcmp
//   AESGCM, CipherContext         one-shot AES-256-GCM; the owner of EVP_CIPHER_CTX
//   StreamCipher, StreamFiles     chunked AES-256-GCM for large files, in constant memory
//   X25519, SealedBox             key agreement; public-key encryption for grants
//   Ed25519                       signatures (the department signing key, exports)
//   EncryptedPrivateKey           staff private keys under a password (scrypt)
//   HKDF, Scrypt, PasswordHash    key derivation; staff login hashes
//   HMAC, SHA256, TOTP, Base32    MACs, digests, second factor
//   VaultError                    every error, with the OpenSSL queue drained into it
