import COpenSSL
import Foundation
import Glibc
import Synchronization

/// A tiny RFC 5321 server for tests, on a loopback port and its own thread. It records every
/// message's envelope and raw DATA (dot-stuffing undone), offers STARTTLS when given a
/// certificate, AUTH PLAIN and LOGIN only inside TLS, and can refuse a recipient.
public final class SMTPSink: Sendable {
    public struct Received: Sendable {
        public let mailFrom: String
        public let recipients: [String]
        public let data: [UInt8]
        public let overTLS: Bool
        public let authenticatedUser: String?
        public var text: String { String(decoding: data, as: UTF8.self) }
    }

    public struct Options: Sendable {
        public var certificate: TestCertificatePaths?
        public var user: String
        public var password: String
        public var refuseRecipient: String?
        /// 0: any free port.
        public var port: Int

        public init(certificate: TestCertificatePaths? = nil, user: String = "notices", password: String = "relay-secret",
                    refuseRecipient: String? = nil, port: Int = 0) {
            self.certificate = certificate
            self.user = user
            self.password = password
            self.refuseRecipient = refuseRecipient
            self.port = port
        }
    }

    public struct TestCertificatePaths: Sendable {
        public let certificate: String
        public let key: String

        public init(certificate: String, key: String) {
            self.certificate = certificate
            self.key = key
        }
    }

    public let port: Int
    public let options: Options
    private let listener: Int32
    private let messages = Mutex<[Received]>([])
    private let commands = Mutex<[String]>([])
    private let stopping = Atomic<Bool>(false)
    private let done = DispatchSemaphore(value: 0)
    private let tls: SinkTLSContext?

    public init(_ options: Options = Options()) throws {
        self.options = options
        tls = try options.certificate.map { try SinkTLSContext(certificate: $0.certificate, key: $0.key) }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(options.port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard bound == 0, listen(fd, 16) == 0 else {
            close(fd)
            throw NSError(domain: "SMTPSink bind: \(String(cString: strerror(errno)))", code: Int(errno))
        }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &addr) { _ = $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        port = Int(UInt16(bigEndian: addr.sin_port))
        listener = fd
        let thread = Thread { [self] in serve() }
        thread.start()
    }

    public var received: [Received] { messages.withLock { $0 } }
    /// Every command line seen, credentials included (tests check where AUTH came).
    public var commandLog: [String] { commands.withLock { $0 } }

    /// Closes the port: after this, connecting is refused.
    public func stop() {
        guard !stopping.exchange(true, ordering: .relaxed) else { return }
        _ = done.wait(timeout: .now() + 5)
        close(listener)
    }

    deinit { stop() }

    /// Waits (up to `timeout`) until `count` messages have arrived.
    public func wait(for count: Int, timeout: Double = 5) -> [Received] {
        let end = Date().addingTimeInterval(timeout)
        while received.count < count && Date() < end { usleep(10_000) }
        return received
    }

    private func serve() {
        while !stopping.load(ordering: .relaxed) {
            var p = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, 50) == 1 else { continue }
            let client = accept(listener, nil, nil)
            guard client >= 0 else { continue }
            var tv = timeval(tv_sec: 5, tv_usec: 0)
            setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
            let connection = SinkConnection(fd: client)
            converse(connection)
            connection.close()
        }
        done.signal()
    }

    private func converse(_ c: SinkConnection) {
        c.send("220 sink.test ESMTP ready")
        var from = "", recipients: [String] = [], user: String?
        while let line = c.readLine() {
            commands.withLock { $0.append(line) }
            let upper = line.uppercased()
            if upper.hasPrefix("EHLO") {
                var lines = ["sink.test greets you"]
                if tls != nil && !c.overTLS { lines.append("STARTTLS") }
                if c.overTLS { lines.append("AUTH PLAIN LOGIN") }
                lines.append("8BITMIME")
                for (i, l) in lines.enumerated() { c.send("250\(i == lines.count - 1 ? " " : "-")\(l)") }
            } else if upper == "STARTTLS", let tls, !c.overTLS {
                c.send("220 2.0.0 go ahead")
                guard c.startTLS(tls) else { return }
            } else if upper.hasPrefix("AUTH PLAIN "), c.overTLS {
                let parts = (Data(base64Encoded: String(line.dropFirst(11))) ?? Data()).split(separator: 0, omittingEmptySubsequences: false)
                let given = parts.map { String(decoding: $0, as: UTF8.self) }
                if given.count == 3 && given[1] == options.user && given[2] == options.password {
                    user = given[1]
                    c.send("235 2.7.0 accepted")
                } else {
                    c.send("535 5.7.8 authentication credentials invalid")
                }
            } else if upper == "AUTH LOGIN", c.overTLS {
                c.send("334 VXNlcm5hbWU6")
                let u = c.readLine().flatMap { Data(base64Encoded: $0) }.map { String(decoding: $0, as: UTF8.self) }
                c.send("334 UGFzc3dvcmQ6")
                let p = c.readLine().flatMap { Data(base64Encoded: $0) }.map { String(decoding: $0, as: UTF8.self) }
                if u == options.user && p == options.password { user = u; c.send("235 2.7.0 accepted") } else { c.send("535 5.7.8 authentication credentials invalid") }
            } else if upper.hasPrefix("AUTH") {
                c.send("530 5.7.0 must issue STARTTLS first")
            } else if upper.hasPrefix("MAIL FROM:") {
                from = String(line.dropFirst(10))
                recipients = []
                c.send("250 2.1.0 ok")
            } else if upper.hasPrefix("RCPT TO:") {
                let to = String(line.dropFirst(8))
                if let refused = options.refuseRecipient, to == "<\(refused)>" {
                    c.send("550 5.1.1 mailbox unavailable")
                } else {
                    recipients.append(to)
                    c.send("250 2.1.5 ok")
                }
            } else if upper == "DATA" {
                c.send("354 end with <CRLF>.<CRLF>")
                var data: [UInt8] = []
                while let l = c.readLine() {
                    if l == "." { break }
                    data += Array((l.hasPrefix(".") ? String(l.dropFirst()) : l).utf8) + [13, 10]
                }
                let message = Received(mailFrom: from, recipients: recipients, data: data, overTLS: c.overTLS, authenticatedUser: user)
                messages.withLock { $0.append(message) }
                c.send("250 2.0.0 queued")
            } else if upper == "QUIT" {
                c.send("221 2.0.0 bye")
                return
            } else if upper == "RSET" || upper == "NOOP" {
                c.send("250 2.0.0 ok")
            } else {
                c.send("500 5.5.2 unrecognised")
            }
        }
    }
}

/// The sink's server SSL_CTX, freed in deinit.
// @unchecked Sendable: configured in init, then only read (SSL_new) by the sink's one thread.
final class SinkTLSContext: @unchecked Sendable {
    let ctx: OpaquePointer
    init(certificate: String, key: String) throws {
        guard let ctx = SSL_CTX_new(TLS_server_method()) else { throw NSError(domain: "SSL_CTX_new", code: 0) }
        self.ctx = ctx
        guard SSL_CTX_use_certificate_chain_file(ctx, certificate) == 1,
              SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) == 1 else { throw NSError(domain: "sink certificate", code: 0) }
    }
    deinit { SSL_CTX_free(ctx) }
}

/// One client of the sink: blocking socket, optionally TLS; owns the SSL object and the fd.
final class SinkConnection {
    let fd: Int32
    private var ssl: OpaquePointer?
    private var buffer: [UInt8] = []
    private var closed = false
    var overTLS: Bool { ssl != nil }

    init(fd: Int32) { self.fd = fd }
    deinit { close() }

    func startTLS(_ context: SinkTLSContext) -> Bool {
        guard let s = SSL_new(context.ctx) else { return false }
        SSL_set_fd(s, fd)
        ssl = s
        if SSL_accept(s) != 1 {
            ERR_clear_error()
            return false
        }
        return true
    }

    func send(_ line: String) {
        let bytes = Array((line + "\r\n").utf8)
        if let ssl {
            _ = bytes.withUnsafeBytes { SSL_write(ssl, $0.baseAddress, Int32($0.count)) }
        } else {
            _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        }
    }

    func readLine() -> String? {
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            if let lf = buffer.firstIndex(of: 10) {
                var line = Array(buffer[..<lf])
                buffer.removeSubrange(...lf)
                if line.last == 13 { line.removeLast() }
                return String(decoding: line, as: UTF8.self)
            }
            let n: Int
            if let ssl {
                n = Int(chunk.withUnsafeMutableBytes { SSL_read(ssl, $0.baseAddress, Int32($0.count)) })
            } else {
                n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            }
            guard n > 0 else { return nil }
            buffer += chunk[0..<n]
        }
    }

    func close() {
        guard !closed else { return }
        closed = true
        if let ssl {
            SSL_shutdown(ssl)
            SSL_free(ssl)
            ERR_clear_error()
            self.ssl = nil
        }
        Glibc.close(fd)
    }
}
