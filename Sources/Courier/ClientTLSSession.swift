import COpenSSL

/// TLS over an established SMTP connection (after STARTTLS). Owns its SSL object, freed in
/// deinit; keeps the context and the socket alive as long as it lives. OpenSSL's WANT_READ and
/// WANT_WRITE become poll() waits against the caller's deadline.
final class ClientTLSSession: MailChannel {
    private let ssl: OpaquePointer
    private let context: ClientTLSContext
    private let socket: SocketConnection

    /// Handshakes, sends SNI, and checks that the certificate chains to a trusted CA and names
    /// `host` (OpenSSL's own host-name matching, RFC 6125).
    init(context: ClientTLSContext, socket: SocketConnection, host: String, deadline: Double) throws {
        guard let ssl = SSL_new(context.ctx) else { throw ClientTLSContext.failure("SSL_new") }
        self.ssl = ssl
        self.context = context
        self.socket = socket
        guard SSL_set_fd(ssl, socket.fd) == 1 else { throw ClientTLSContext.failure("SSL_set_fd") }
        // SNI (SSL_set_tlsext_host_name is a macro over SSL_ctrl); not sent for an IP literal.
        if !host.contains(":") && !host.allSatisfy({ $0.isNumber || $0 == "." }) {
            _ = host.withCString { SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, Int(TLSEXT_NAMETYPE_host_name), UnsafeMutableRawPointer(mutating: $0)) }
        }
        guard SSL_set1_host(ssl, host) == 1 else { throw ClientTLSContext.failure("host name check for \(host)") }
        while true {
            let r = SSL_connect(ssl)
            if r == 1 { break }
            let e = SSL_get_error(ssl, r)
            if e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE {
                try socket.wait(forWrite: e == SSL_ERROR_WANT_WRITE, until: deadline, step: "TLS handshake")
                continue
            }
            let verify = SSL_get_verify_result(ssl)
            if verify != Int(X509_V_OK) {
                ERR_clear_error()
                throw CourierError.tls("the server certificate was refused: \(String(cString: X509_verify_cert_error_string(verify)))")
            }
            throw ClientTLSContext.failure("handshake with \(host)")
        }
    }

    deinit { SSL_free(ssl) }

    func read(into buffer: inout [UInt8], deadline: Double, step: String) throws -> Int {
        while true {
            let n = buffer.withUnsafeMutableBytes { SSL_read(ssl, $0.baseAddress, Int32($0.count)) }
            if n > 0 { return Int(n) }
            let e = SSL_get_error(ssl, n)
            switch e {
            case SSL_ERROR_WANT_READ: try socket.wait(until: deadline, step: step)
            case SSL_ERROR_WANT_WRITE: try socket.wait(forWrite: true, until: deadline, step: step)
            case SSL_ERROR_ZERO_RETURN:
                return 0
            default:
                throw ClientTLSContext.failure("read during \(step)")
            }
        }
    }

    func write(_ bytes: [UInt8], deadline: Double, step: String) throws {
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { SSL_write(ssl, $0.baseAddress! + sent, Int32($0.count - sent)) }
            if n > 0 { sent += Int(n); continue }
            let e = SSL_get_error(ssl, n)
            switch e {
            case SSL_ERROR_WANT_READ: try socket.wait(until: deadline, step: step)
            case SSL_ERROR_WANT_WRITE: try socket.wait(forWrite: true, until: deadline, step: step)
            default: throw ClientTLSContext.failure("write during \(step)")
            }
        }
    }

    /// One close_notify, not waiting for the answer.
    func shutdown() {
        _ = SSL_shutdown(ssl)
        ERR_clear_error()
    }
}
