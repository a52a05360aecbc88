import Glibc

/// Thin, errno-aware wrappers around the socket calls the transports share.
enum SocketIO {
    /// Waits for `fd` to become readable (or writable) until `deadline`; with a `wakeFD`, also
    /// returns `.shuttingDown` once that descriptor becomes readable.
    static func wait(fd: Int32, forWrite: Bool = false, deadline: MonotonicTime, wakeFD: Int32?) throws {
        var fds = [pollfd(fd: fd, events: Int16(forWrite ? POLLOUT : POLLIN), revents: 0),
                   pollfd(fd: wakeFD ?? -1, events: Int16(POLLIN), revents: 0)]
        let n = wakeFD == nil ? 1 : 2
        while true {
            let r = poll(&fds, nfds_t(n), deadline.pollTimeout())
            if r > 0 {
                if n == 2 && fds[1].revents != 0 && fds[0].revents == 0 { throw TransportError.shuttingDown }
                return
            }
            if r == 0 { throw TransportError.timedOut }
            if errno != EINTR { throw TransportError.failed(errno) }
        }
    }

    static func setNonBlocking(_ fd: Int32) {
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
    }

    static func setTimeout(_ fd: Int32, option: Int32, seconds: Double) {
        var tv = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - Double(Int(seconds))) * 1e6))
        _ = setsockopt(fd, SOL_SOCKET, option, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    static func setInt(_ fd: Int32, level: Int32, option: Int32, _ value: Int32) {
        var v = value
        _ = setsockopt(fd, level, option, &v, socklen_t(MemoryLayout<Int32>.size))
    }

    /// Half-close, then read and discard for up to `seconds` or until the peer closes.
    static func lingeringClose(_ fd: Int32, seconds: Double = 0.5) {
        _ = Glibc.shutdown(fd, Int32(SHUT_WR))
        let deadline = MonotonicTime.now().adding(seconds: seconds)
        var scratch = [UInt8](repeating: 0, count: 4096)
        var total = 0
        while total < 256 * 1024 {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let r = poll(&p, 1, deadline.pollTimeout())
            if r <= 0 { break }
            let n = scratch.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if n <= 0 { break }
            total += n
        }
        Glibc.close(fd)
    }
}
