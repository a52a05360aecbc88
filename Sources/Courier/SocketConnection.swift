import Glibc

/// One TCP connection to a mail server. Owns its descriptor and closes it in deinit. The socket
/// is non-blocking and every wait is a poll() against a deadline, so a silent server cannot hold
/// the worker thread.
final class SocketConnection {
    let fd: Int32

    /// Resolves `host` and connects to the first address that accepts within `timeout` seconds.
    init(host: String, port: Int, timeout: Double) throws {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw CourierError.connectionFailed("cannot resolve \(host): \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(first) }
        var refused = false
        var lastError = "no address"
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let ai = cursor {
            cursor = ai.pointee.ai_next
            let fd = socket(ai.pointee.ai_family, ai.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), ai.pointee.ai_protocol)
            guard fd >= 0 else { continue }
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            var ok = connect(fd, ai.pointee.ai_addr, ai.pointee.ai_addrlen) == 0
            if !ok && errno == EINPROGRESS {
                var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                if poll(&p, 1, Int32(timeout * 1000)) == 1 {
                    var err: Int32 = 0
                    var len = socklen_t(MemoryLayout<Int32>.size)
                    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len)
                    ok = err == 0
                    if !ok { errno = err }
                } else {
                    errno = ETIMEDOUT
                }
            }
            if ok {
                self.fd = fd
                return
            }
            if errno == ECONNREFUSED { refused = true }
            lastError = String(cString: strerror(errno))
            Glibc.close(fd)
        }
        if refused { throw CourierError.connectionRefused(host: host, port: port) }
        if lastError == String(cString: strerror(ETIMEDOUT)) { throw CourierError.timedOut(during: "connect to \(host):\(port)") }
        throw CourierError.connectionFailed("\(host):\(port): \(lastError)")
    }

    deinit { Glibc.close(fd) }

    /// Waits until the socket is readable (or writable) or the deadline passes.
    func wait(forWrite: Bool = false, until deadline: Double, step: String) throws {
        while true {
            let left = deadline - SocketConnection.now()
            guard left > 0 else { throw CourierError.timedOut(during: step) }
            var p = pollfd(fd: fd, events: Int16(forWrite ? POLLOUT : POLLIN), revents: 0)
            let r = poll(&p, 1, Int32(min(left, 3600) * 1000) + 1)
            if r > 0 { return }
            if r < 0 && errno != EINTR { throw CourierError.connectionFailed(String(cString: strerror(errno))) }
        }
    }

    /// Monotonic seconds.
    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}

/// A byte stream the SMTP dialogue runs over: the plain socket, then TLS after STARTTLS.
protocol MailChannel: AnyObject {
    /// Reads some bytes; 0 means the peer closed.
    func read(into buffer: inout [UInt8], deadline: Double, step: String) throws -> Int
    func write(_ bytes: [UInt8], deadline: Double, step: String) throws
}

extension SocketConnection: MailChannel {
    func read(into buffer: inout [UInt8], deadline: Double, step: String) throws -> Int {
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n >= 0 { return n }
            guard errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR else {
                throw CourierError.connectionFailed(String(cString: strerror(errno)))
            }
            try wait(until: deadline, step: step)
        }
    }

    func write(_ bytes: [UInt8], deadline: Double, step: String) throws {
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
            if n > 0 { sent += n; continue }
            guard n < 0, errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR else {
                throw CourierError.connectionFailed(String(cString: strerror(errno)))
            }
            try wait(forWrite: true, until: deadline, step: step)
        }
    }
}
