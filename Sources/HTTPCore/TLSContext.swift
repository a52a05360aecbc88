import COpenSSL

/// Owns one server SSL_CTX: TLS 1.2-1.3, forward-secret AEAD ciphers only, no compression,
/// no renegotiation. Freed in deinit.
// @unchecked Sendable: the SSL_CTX is configured in init and only read afterwards (SSL_new), which OpenSSL allows from any thread.
final class TLSContext: @unchecked Sendable {
    let ctx: OpaquePointer

    /// TLS 1.2 suites: ECDHE key exchange with AES-GCM or ChaCha20-Poly1305; TLS 1.3 keeps its defaults, which are all AEAD.
    static let tls12Ciphers = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
        + "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
        + "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305"

    init(configuration: TLSConfiguration) throws {
        guard let ctx = SSL_CTX_new(TLS_server_method()) else { throw TLSContext.error("SSL_CTX_new") }
        self.ctx = ctx
        guard candor_ssl_ctx_set_proto_range(ctx, candor_tls1_2_version(), candor_tls1_3_version()) == 1 else {
            throw TLSContext.error("protocol range")
        }
        candor_ssl_ctx_harden(ctx)
        guard SSL_CTX_set_cipher_list(ctx, TLSContext.tls12Ciphers) == 1 else { throw TLSContext.error("cipher list") }
        guard SSL_CTX_use_certificate_chain_file(ctx, configuration.certificatePath) == 1 else {
            throw TLSContext.error("certificate \(configuration.certificatePath)")
        }
        guard SSL_CTX_use_PrivateKey_file(ctx, configuration.privateKeyPath, SSL_FILETYPE_PEM) == 1,
              SSL_CTX_check_private_key(ctx) == 1 else {
            throw TLSContext.error("private key \(configuration.privateKeyPath)")
        }
    }

    deinit { SSL_CTX_free(ctx) }

    static func error(_ what: String) -> ServerError {
        var buf = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(ERR_get_error(), &buf, buf.count)
        ERR_clear_error()
        let text = String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return ServerError(message: "TLS \(what): \(text)")
    }
}
