import Glibc
import XCTest
@testable import HTTPCore

/// A parsed response as the raw test client saw it.
struct TestResponse {
    var status: Int
    var headers: [(String, String)]
    var body: [UInt8]
    var text: String { String(decoding: body, as: UTF8.self) }
    func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
}

/// A deliberately dumb blocking socket client: writes exactly the bytes a test gives it, so
/// malformed and pipelined requests can be sent.
final class TestClient {
    let fd: Int32
    private var buffer: [UInt8] = []

    init(host: String = "127.0.0.1", port: Int, receiveTimeout: Double = 5) throws {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var res: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &res) == 0, let ai = res else { throw ServerError(message: "resolve") }
        defer { freeaddrinfo(res) }
        fd = socket(ai.pointee.ai_family, Int32(SOCK_STREAM.rawValue), 0)
        guard connect(fd, ai.pointee.ai_addr, ai.pointee.ai_addrlen) == 0 else {
            let e = errno
            close(fd)
            throw ServerError("connect", errno: e)
        }
        SocketIO.setTimeout(fd, option: SO_RCVTIMEO, seconds: receiveTimeout)
    }

    deinit { close(fd) }

    func send(_ text: String) { send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) {
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + off, bytes.count - off, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            off += n
        }
    }

    /// Fills the buffer with more bytes; false at end of stream, timeout or error.
    private func fill() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n <= 0 { return false }
        buffer.append(contentsOf: chunk[0..<n])
        return true
    }

    /// True if the server closed the connection (reads EOF or reset) within the timeout.
    func isClosedByPeer() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n == 0 { return true }
            if n < 0 { return errno == ECONNRESET }
        }
    }

    func readResponse(isHead: Bool = false) -> TestResponse? {
        var headEnd: Int?
        while true {
            if let r = findCRLFCRLF() { headEnd = r; break }
            if !fill() { return nil }
        }
        let head = String(decoding: buffer[0..<headEnd!], as: UTF8.self)
        buffer.removeFirst(headEnd! + 4)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst()
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, let status = Int(parts[1]) else { return nil }
        let headers = lines.map { line -> (String, String) in
            let c = line.firstIndex(of: ":")!
            return (String(line[..<c]), line[line.index(after: c)...].trimmingCharacters(in: .whitespaces))
        }
        var response = TestResponse(status: status, headers: headers, body: [])
        if status == 100 { return readResponse(isHead: isHead) }
        if isHead || status == 304 || status == 204 { return response }
        if let cl = response.header("Content-Length").flatMap({ Int($0) }) {
            while buffer.count < cl { if !fill() { return nil } }
            response.body = Array(buffer[0..<cl])
            buffer.removeFirst(cl)
        } else if response.header("Transfer-Encoding")?.lowercased() == "chunked" {
            var decoder = ChunkedDecoder()
            while !decoder.isComplete {
                if buffer.isEmpty && !fill() { return nil }
                let out = (try? decoder.feed(buffer)) ?? []
                response.body += out
                buffer.removeFirst(decoder.lastConsumed)
            }
        } else {
            while fill() {}
            response.body = buffer
            buffer = []
        }
        return response
    }

    private func findCRLFCRLF() -> Int? {
        guard buffer.count >= 4 else { return nil }
        for i in 0...(buffer.count - 4) where buffer[i] == 13 && buffer[i + 1] == 10 && buffer[i + 2] == 13 && buffer[i + 3] == 10 {
            return i
        }
        return nil
    }
}

/// Starts a server on an ephemeral loopback port for one test.
func startServer(host: String = "127.0.0.1", limits: HTTPLimits = HTTPLimits(), tls: TLSConfiguration? = nil,
                 handler: any HTTPHandler) throws -> Server {
    let server = Server(configuration: ServerConfiguration(host: host, port: 0, limits: limits, tls: tls), handler: handler)
    try server.start()
    return server
}
