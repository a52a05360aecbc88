import Glibc

/// TCP without encryption. The socket stays blocking for sends (bounded by SO_SNDTIMEO) and
/// every receive is preceded by poll() against a deadline.
final class PlainTransport: Transport {
    let fd: Int32
    let wakeFD: Int32

    init(fd: Int32, wakeFD: Int32) {
        self.fd = fd
        self.wakeFD = wakeFD
    }

    func read(into buffer: UnsafeMutableRawBufferPointer, deadline: MonotonicTime, interruptible: Bool) throws -> Int {
        while true {
            try SocketIO.wait(fd: fd, deadline: deadline, wakeFD: interruptible ? wakeFD : nil)
            let n = recv(fd, buffer.baseAddress, buffer.count, Int32(MSG_DONTWAIT))
            if n >= 0 { return n }
            if errno == EAGAIN || errno == EINTR { continue }
            if errno == ECONNRESET { return 0 }
            throw TransportError.failed(errno)
        }
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        var sent = 0
        while sent < bytes.count {
            let n = send(fd, bytes.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL))
            if n > 0 { sent += n; continue }
            if n < 0 && errno == EINTR { continue }
            // EAGAIN here means SO_SNDTIMEO expired: the client stopped reading.
            throw n < 0 && errno == EAGAIN ? TransportError.timedOut : TransportError.failed(errno)
        }
    }

    func close(lingering: Bool) {
        if lingering { SocketIO.lingeringClose(fd) } else { Glibc.close(fd) }
    }
}
