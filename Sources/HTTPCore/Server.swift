import Dispatch
import Glibc
import Synchronization

/// The write end of the pipe through which a SIGTERM or SIGINT handler wakes the shutdown thread.
private let signalWake = Atomic<Int32>(-1)

/// The listening side: accepts connections on one thread and serves each on its own thread,
/// up to `maxConnections`; beyond that a 503 is sent and the socket closed at once.
public final class Server: Sendable {
    public let configuration: ServerConfiguration
    private let handler: any HTTPHandler
    /// `configuration.effectiveSecurityHeaders`, computed once.
    private let security: SecurityHeaders
    private let state = Mutex(State())
    private let active = Atomic<Int>(0)
    private let stopping = Atomic<Bool>(false)
    private let acceptFinished = DispatchSemaphore(value: 0)
    private let stopped = DispatchSemaphore(value: 0)
    /// The TLS context new connections are served with; `reloadTLS` replaces it while
    /// connections already open keep the one they began with.
    private let tlsContext = Mutex<TLSContext?>(nil)

    struct State {
        var listenFD: Int32 = -1
        var port = 0
        var wakeRead: Int32 = -1
        var wakeWrite: Int32 = -1
        var started = false
        /// Open connection sockets, so a shutdown past its deadline can unblock their threads.
        var connections = Set<Int32>()
    }

    public init(configuration: ServerConfiguration, handler: any HTTPHandler) {
        self.configuration = configuration
        self.handler = handler
        security = configuration.effectiveSecurityHeaders
    }

    /// Serves the routes of `router` as they are now (later additions are not seen).
    public convenience init(configuration: ServerConfiguration, router: Router) {
        self.init(configuration: configuration, handler: router.makeHandler())
    }

    /// The bound port (useful with port 0); 0 before `start`.
    public var port: Int { state.withLock { $0.port } }

    /// Connections being served right now.
    public var activeConnections: Int { active.load(ordering: .relaxed) }

    /// Binds, listens and starts accepting on a background thread; returns at once.
    public func start() throws {
        guard !state.withLock({ $0.started }), !stopping.load(ordering: .relaxed) else {
            throw ServerError(message: "server already started")
        }
        // Writes to a peer that went away must fail with EPIPE, not kill the process.
        signal(SIGPIPE, SIG_IGN)
        let tls = try configuration.tls.map { try TLSContext(configuration: $0) }
        tlsContext.withLock { $0 = tls }
        let (fd, port) = try ListeningSocket.open(host: configuration.host, port: configuration.port,
                                                  backlog: configuration.backlog)
        var pipeFDs: [Int32] = [-1, -1]
        guard pipe(&pipeFDs) == 0 else {
            close(fd)
            throw ServerError("pipe")
        }
        for p in pipeFDs { _ = fcntl(p, F_SETFD, FD_CLOEXEC) }
        state.withLock {
            $0.listenFD = fd
            $0.port = port
            $0.wakeRead = pipeFDs[0]
            $0.wakeWrite = pipeFDs[1]
            $0.started = true
        }
        let wake = pipeFDs[0]
        guard ThreadSpawner.spawn(stackSize: 256 * 1024, { [self] in acceptLoop(listenFD: fd, wakeFD: wake) }) else {
            throw ServerError(message: "cannot start the accept thread")
        }
    }

    /// Reads the certificate and key files again (a renewed certificate) and serves new
    /// connections with them; connections already open are not touched. A file that does not
    /// load throws and leaves the old certificate in use.
    public func reloadTLS() throws {
        guard let configuration = configuration.tls else { return }
        let fresh = try TLSContext(configuration: configuration)
        tlsContext.withLock { $0 = fresh }
    }

    private func acceptLoop(listenFD: Int32, wakeFD: Int32) {
        let limits = configuration.limits
        var fds = [pollfd(fd: listenFD, events: Int16(POLLIN), revents: 0), pollfd(fd: wakeFD, events: Int16(POLLIN), revents: 0)]
        while !stopping.load(ordering: .relaxed) {
            let r = poll(&fds, 2, -1)
            if r < 0 && errno == EINTR { continue }
            if fds[1].revents != 0 || stopping.load(ordering: .relaxed) { break }
            var addr = sockaddr_storage()
            var len = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let fd = withUnsafeMutablePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { accept(listenFD, $0, &len) }
            }
            if fd < 0 {
                // Out of descriptors: back off instead of spinning on a listen socket that stays readable.
                if errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM { usleep(10_000) }
                continue
            }
            // Not inherited by anything the application spawns.
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            let acceptedAt = MonotonicTime.now()
            if active.load(ordering: .relaxed) >= limits.maxConnections {
                refuse(fd)
                continue
            }
            SocketIO.setInt(fd, level: Int32(IPPROTO_TCP), option: TCP_NODELAY, 1)
            SocketIO.setTimeout(fd, option: SO_SNDTIMEO, seconds: limits.writeTimeout)
            active.add(1, ordering: .relaxed)
            state.withLock { _ = $0.connections.insert(fd) }
            let peer = PeerAddress(storage: addr)
            let tls = tlsContext.withLock { $0 }
            let spawned = ThreadSpawner.spawn(stackSize: configuration.threadStackSize) { [self] in
                serve(fd: fd, wakeFD: wakeFD, peer: peer, acceptedAt: acceptedAt, tls: tls)
            }
            if !spawned {
                state.withLock { _ = $0.connections.remove(fd) }
                active.subtract(1, ordering: .relaxed)
                refuse(fd)
            }
        }
        close(listenFD)
        acceptFinished.signal()
    }

    private func serve(fd: Int32, wakeFD: Int32, peer: PeerAddress, acceptedAt: MonotonicTime, tls: TLSContext?) {
        let limits = configuration.limits
        var transport: Transport?
        if let tls {
            transport = try? TLSTransport(context: tls, fd: fd, wakeFD: wakeFD,
                                          deadline: acceptedAt.adding(seconds: limits.headDeadline),
                                          writeTimeout: limits.writeTimeout)
        } else {
            transport = PlainTransport(fd: fd, wakeFD: wakeFD)
        }
        var linger = false
        if let transport {
            let connection = Connection(transport: transport, handler: handler, limits: limits,
                                        security: security, peer: peer, acceptedAt: acceptedAt,
                                        isStopping: { [self] in stopping.load(ordering: .relaxed) })
            linger = connection.run()
        }
        // Forget the descriptor before closing it, so a forced shutdown never touches a reused number.
        state.withLock { _ = $0.connections.remove(fd) }
        if let transport { transport.close(lingering: linger) } else { close(fd) }
        active.subtract(1, ordering: .relaxed)
    }

    /// Over the connection limit: a 503 and Connection: close, written without blocking the
    /// accept loop, then a half-close so the page is not lost to a reset.
    private func refuse(_ fd: Int32) {
        let memory = MemoryTransport()
        let writer = ResponseWriter(transport: memory, security: security)
        var keepAlive = false
        var page = ErrorPage.response(.serviceUnavailable, "Too many connections; try again shortly.")
        page.headers.add("Retry-After", "1")
        try? writer.write(page, version: .http1_1, keepAlive: &keepAlive, isHead: false)
        _ = memory.written.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
        _ = Glibc.shutdown(fd, Int32(SHUT_WR))
        var scratch = [UInt8](repeating: 0, count: 4096)
        _ = scratch.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
        close(fd)
    }

    /// Graceful stop: no new connections, idle ones closed, in-flight requests get until the
    /// shutdown deadline to finish (their responses carry Connection: close), then the rest are
    /// cut off. Blocks until done; safe to call more than once and from any thread.
    public func shutdown() {
        if stopping.exchange(true, ordering: .acquiringAndReleasing) {
            waitUntilStopped()
            return
        }
        let (started, wakeWrite) = state.withLock { ($0.started, $0.wakeWrite) }
        guard started else {
            stopped.signal()
            return
        }
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
        acceptFinished.wait()
        let deadline = MonotonicTime.now().adding(seconds: configuration.limits.shutdownDeadline)
        while active.load(ordering: .relaxed) > 0 && MonotonicTime.now() < deadline { usleep(5_000) }
        if active.load(ordering: .relaxed) > 0 {
            state.withLock { for fd in $0.connections { _ = Glibc.shutdown(fd, Int32(SHUT_RDWR)) } }
            let grace = MonotonicTime.now().adding(seconds: 1)
            while active.load(ordering: .relaxed) > 0 && MonotonicTime.now() < grace { usleep(5_000) }
        }
        if active.load(ordering: .relaxed) == 0 {
            state.withLock {
                close($0.wakeRead)
                close($0.wakeWrite)
            }
        }
        stopped.signal()
    }

    /// Blocks until `shutdown` has completed (for a main thread after `start`).
    public func waitUntilStopped() {
        stopped.wait()
        stopped.signal()
    }

    /// SIGTERM and SIGINT start a graceful shutdown; SIGHUP re-reads the TLS files
    /// (`reloadTLS`) and tells `onReload` how it went. The handler is live when this returns
    /// (`sigaction`, not a Dispatch signal source, which registers later on another thread and
    /// drops a signal that arrives in between); it only writes a byte to a pipe, and a thread of
    /// its own reads it and shuts down. One server per process installs them.
    public func installSignalHandlers(onReload: @escaping @Sendable ((any Error)?) -> Void = { _ in }) {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { return }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        signalWake.store(fds[1], ordering: .releasing)
        let readEnd = fds[0]
        let spawned = ThreadSpawner.spawn(stackSize: 256 * 1024) { [self] in
            var byte: UInt8 = 0
            while true {
                let n = read(readEnd, &byte, 1)
                if n < 0 && errno == EINTR { continue }
                guard n == 1, byte == 2 else { break }
                do {
                    try reloadTLS()
                    onReload(nil)
                } catch {
                    onReload(error)
                }
            }
            shutdown()
        }
        guard spawned else { return }
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { sig in
            // Only async-signal-safe calls here; errno is the interrupted code's.
            let saved = errno
            var byte: UInt8 = sig == SIGHUP ? 2 : 1
            _ = write(signalWake.load(ordering: .acquiring), &byte, 1)
            errno = saved
        }
        sigemptyset(&action.sa_mask)
        action.sa_flags = SA_RESTART
        for sig in [SIGTERM, SIGINT, SIGHUP] { sigaction(sig, &action, nil) }
    }
}
