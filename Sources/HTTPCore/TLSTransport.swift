import COpenSSL
import Glibc

/// TLS over a non-blocking socket: OpenSSL's WANT_READ/WANT_WRITE turn into poll() waits
/// against the same deadlines as plain reads, so a stalled handshake or record cannot hold a
/// thread. Owns its SSL object and frees it in deinit.
final class TLSTransport: Transport {
    private let ssl: OpaquePointer
    private let fd: Int32
    private let wakeFD: Int32
    private let writeTimeout: Double
    private var closed = false

    init(context: TLSContext, fd: Int32, wakeFD: Int32, deadline: MonotonicTime, writeTimeout: Double = 30) throws {
        guard let ssl = SSL_new(context.ctx) else { throw TransportError.tls("SSL_new") }
        self.ssl = ssl
        self.fd = fd
        self.wakeFD = wakeFD
        self.writeTimeout = writeTimeout
        SocketIO.setNonBlocking(fd)
        SSL_set_fd(ssl, fd)
        while true {
            let r = SSL_accept(ssl)
            if r == 1 { break }
            try wait(for: SSL_get_error(ssl, r), deadline: deadline, interruptible: false)
        }
    }

    deinit { SSL_free(ssl) }

    private func wait(for error: Int32, deadline: MonotonicTime, interruptible: Bool) throws {
        switch error {
        case SSL_ERROR_WANT_READ:
            try SocketIO.wait(fd: fd, deadline: deadline, wakeFD: interruptible ? wakeFD : nil)
        case SSL_ERROR_WANT_WRITE:
            try SocketIO.wait(fd: fd, forWrite: true, deadline: deadline, wakeFD: nil)
        default:
            ERR_clear_error()
            throw TransportError.tls("TLS error \(error)")
        }
    }

    func read(into buffer: UnsafeMutableRawBufferPointer, deadline: MonotonicTime, interruptible: Bool) throws -> Int {
        while true {
            let n = SSL_read(ssl, buffer.baseAddress, Int32(min(buffer.count, Int(Int32.max))))
            if n > 0 { return Int(n) }
            let e = SSL_get_error(ssl, n)
            if e == SSL_ERROR_ZERO_RETURN || e == SSL_ERROR_SYSCALL {
                ERR_clear_error()
                return 0
            }
            try wait(for: e, deadline: deadline, interruptible: interruptible)
        }
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        var sent = 0
        while sent < bytes.count {
            let n = SSL_write(ssl, bytes.baseAddress! + sent, Int32(min(bytes.count - sent, Int(Int32.max))))
            if n > 0 { sent += Int(n); continue }
            try wait(for: SSL_get_error(ssl, n), deadline: MonotonicTime.now().adding(seconds: writeTimeout), interruptible: false)
        }
    }

    func close(lingering: Bool) {
        guard !closed else { return }
        closed = true
        // One non-blocking close_notify; waiting for the peer's reply would only cost time.
        _ = SSL_shutdown(ssl)
        ERR_clear_error()
        if lingering { SocketIO.lingeringClose(fd) } else { Glibc.close(fd) }
    }
}
