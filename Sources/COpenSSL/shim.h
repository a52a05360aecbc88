#ifndef CANDOR_COPENSSL_SHIM_H
#define CANDOR_COPENSSL_SHIM_H
#include <openssl/evp.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/crypto.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/core_names.h>
#include <openssl/params.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/pem.h>
#include <openssl/bio.h>
#include <openssl/opensslv.h>

/* Macros Swift cannot import, as functions. */
static inline void candor_openssl_free(void *p) { OPENSSL_free(p); }
static inline unsigned long candor_openssl_version_number(void) { return OPENSSL_VERSION_NUMBER; }
static inline long candor_bio_pending(BIO *b) { return (long)BIO_pending(b); }
static inline long candor_bio_get_mem_data(BIO *b, char **pp) { return BIO_get_mem_data(b, pp); }

/* OSSL_PARAM keeps the pointers it is given, so the arrays are built here, where the
   caller's buffers outlive the one call that uses them. */
static inline int candor_hkdf_sha256(const unsigned char *ikm, size_t ikm_len,
                                     const unsigned char *salt, size_t salt_len,
                                     const unsigned char *info, size_t info_len,
                                     unsigned char *out, size_t out_len) {
    EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
    if (kdf == NULL) return 0;
    EVP_KDF_CTX *ctx = EVP_KDF_CTX_new(kdf);
    EVP_KDF_free(kdf);
    if (ctx == NULL) return 0;
    OSSL_PARAM params[5];
    int n = 0;
    params[n++] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)"SHA256", 0);
    params[n++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)ikm, ikm_len);
    params[n++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)salt, salt_len);
    params[n++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, (void *)info, info_len);
    params[n] = OSSL_PARAM_construct_end();
    int ok = EVP_KDF_derive(ctx, out, out_len, params);
    EVP_KDF_CTX_free(ctx);
    return ok;
}

static inline int candor_scrypt(const unsigned char *pass, size_t pass_len,
                                const unsigned char *salt, size_t salt_len,
                                uint64_t n, uint32_t r, uint32_t p, uint64_t maxmem,
                                unsigned char *out, size_t out_len) {
    EVP_KDF *kdf = EVP_KDF_fetch(NULL, "SCRYPT", NULL);
    if (kdf == NULL) return 0;
    EVP_KDF_CTX *ctx = EVP_KDF_CTX_new(kdf);
    EVP_KDF_free(kdf);
    if (ctx == NULL) return 0;
    OSSL_PARAM params[7];
    int i = 0;
    params[i++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD, (void *)pass, pass_len);
    params[i++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)salt, salt_len);
    params[i++] = OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n);
    params[i++] = OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r);
    params[i++] = OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &p);
    params[i++] = OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_MAXMEM, &maxmem);
    params[i] = OSSL_PARAM_construct_end();
    int ok = EVP_KDF_derive(ctx, out, out_len, params);
    EVP_KDF_CTX_free(ctx);
    return ok;
}

/* HMAC through EVP_MAC: the digest-name parameter is built here for the same reason as above.
   The key pointer must be non-NULL even for an empty key, or OpenSSL keeps the previous key. */
static inline int candor_hmac_init(EVP_MAC_CTX *ctx, const char *digest,
                                   const unsigned char *key, size_t key_len) {
    OSSL_PARAM params[2];
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)digest, 0);
    params[1] = OSSL_PARAM_construct_end();
    return EVP_MAC_init(ctx, key, key_len, params);
}

/* TLS for HTTPCore: protocol bounds and option flags are macros Swift cannot import. */
#include <openssl/ec.h>
static inline int candor_ssl_ctx_set_proto_range(SSL_CTX *ctx, int min_version, int max_version) {
    return SSL_CTX_set_min_proto_version(ctx, min_version) == 1
        && SSL_CTX_set_max_proto_version(ctx, max_version) == 1;
}
/* No compression (CRIME), no renegotiation of either side, server cipher order. */
static inline void candor_ssl_ctx_harden(SSL_CTX *ctx) {
    SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
}
static inline int candor_tls1_1_version(void) { return TLS1_1_VERSION; }
static inline int candor_tls1_2_version(void) { return TLS1_2_VERSION; }
static inline int candor_tls1_3_version(void) { return TLS1_3_VERSION; }
static inline int candor_ssl_get_version_number(const SSL *ssl) { return SSL_version(ssl); }
#endif
