import COpenSSL

/// Owns one client SSL_CTX: TLS 1.2–1.3, the peer's certificate verified against the system CA
/// store — or, for a local relay with its own CA, only against the pinned CA file — and freed in
/// deinit. Built per delivery attempt, so nothing is shared between threads.
final class ClientTLSContext {
    let ctx: OpaquePointer

    init(pinnedCAFile: String?) throws {
        guard let ctx = SSL_CTX_new(TLS_client_method()) else { throw ClientTLSContext.failure("SSL_CTX_new") }
        self.ctx = ctx
        guard candor_ssl_ctx_set_proto_range(ctx, candor_tls1_2_version(), candor_tls1_3_version()) == 1 else {
            throw ClientTLSContext.failure("protocol range")
        }
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nil)
        if let pinnedCAFile {
            guard SSL_CTX_load_verify_locations(ctx, pinnedCAFile, nil) == 1 else {
                throw ClientTLSContext.failure("cannot load the CA file \(pinnedCAFile)")
            }
        } else {
            guard SSL_CTX_set_default_verify_paths(ctx) == 1 else { throw ClientTLSContext.failure("system CA store") }
        }
    }

    deinit { SSL_CTX_free(ctx) }

    /// OpenSSL's first queued error as text, and the queue cleared.
    static func failure(_ what: String) -> CourierError {
        let code = ERR_get_error()
        ERR_clear_error()
        guard code != 0 else { return .tls(what) }
        var buf = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buf, buf.count)
        return .tls("\(what): \(String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))")
    }
}
