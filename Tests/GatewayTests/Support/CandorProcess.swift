import Foundation
import Glibc
import Synchronization

/// The `candor` executable as a child process, for tests that must kill a real server or read
/// what the command line prints. `swift test` builds the executable beside the test bundle.
final class CandorProcess {
    struct Unavailable: Error, CustomStringConvertible { let description: String }

    /// `.build/<triple>/debug/candor`: next to the test bundle (`CommandLine.arguments[0]` is the
    /// `.xctest` executable on Linux), or under this package's `.build/debug`.
    static func binary() throws -> URL {
        let fm = FileManager.default
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        var candidates = [URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("candor")]
        if let bundle = Bundle.main.executableURL { candidates.append(bundle.deletingLastPathComponent().appendingPathComponent("candor")) }
        candidates.append(packageRoot.appendingPathComponent(".build/debug/candor"))
        guard let found = candidates.first(where: { fm.isExecutableFile(atPath: $0.path) }) else {
            throw Unavailable(description: "no candor executable in \(candidates.map(\.path)); run `swift build` first")
        }
        return found
    }

    let process = Process()
    let logURL: URL

    /// Starts `candor <arguments>` with stdout and stderr in `log`.
    init(_ arguments: [String], log: URL) throws {
        logURL = log
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.executableURL = try CandorProcess.binary()
        process.arguments = arguments
        process.standardOutput = handle
        process.standardError = handle
        var environment = ProcessInfo.processInfo.environment
        environment["SWIFT_BACKTRACE"] = "enable=no"
        process.environment = environment
        try process.run()
        try handle.close()
    }

    var pid: Int32 { process.processIdentifier }
    var output: String { (try? String(contentsOf: logURL, encoding: .utf8)) ?? "" }

    /// The port from "serving on http://127.0.0.1:PORT/", once the server listens.
    func waitForPort(timeout: TimeInterval = 60) throws -> Int {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let text = output
            if let r = text.range(of: "serving on http://127.0.0.1:"),
               let port = Int(text[r.upperBound...].prefix { $0.isNumber }) {
                return port
            }
            guard process.isRunning else { throw Unavailable(description: "candor exited before serving:\n\(text)") }
            usleep(50_000)
        }
        throw Unavailable(description: "candor did not serve within \(timeout) s:\n\(output)")
    }

    func signal(_ sig: Int32) { _ = Glibc.kill(pid, sig) }

    /// The exit status, or nil if it is still running after `timeout` (then it is killed). The
    /// timeout only stops a hang, so it is generous: tests share a busy CPU.
    @discardableResult
    func waitForExit(timeout: TimeInterval = 60) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            signal(SIGKILL)
            process.waitUntilExit()
            return nil
        }
        return process.terminationStatus
    }

    /// Runs a command to its end: its exit status (nil on timeout) and everything it printed.
    static func run(_ arguments: [String], in folder: URL, timeout: TimeInterval = 60) throws -> (status: Int32?, output: String) {
        let p = try CandorProcess(arguments, log: folder.appendingPathComponent("run-\(UUID().uuidString).log"))
        let status = p.waitForExit(timeout: timeout)
        return (status, p.output)
    }

    deinit {
        if process.isRunning {
            signal(SIGKILL)
            process.waitUntilExit()
        }
    }
}

/// One HTTP/1.1 request over a loopback socket, written in as many steps as the test likes, so
/// a test can stop part-way through a body and act on what it knows it has sent.
final class WireRequest {
    private let fd: Int32

    /// Connects and sends the head; the body follows in `send` calls.
    init(port: Int, method: String, path: String, headers: [(String, String)] = [], contentLength: Int?,
         timeout: Int = 30) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SlowWire.Failed(description: "socket: \(errno)") }
        // A dead server must fail the call, not hang the test.
        var tv = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = UInt16(port).bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let ok = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard ok == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw SlowWire.Failed(description: "connect: \(reason)")
        }
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        for (n, v) in headers { head += "\(n): \(v)\r\n" }
        if let contentLength { head += "Content-Length: \(contentLength)\r\n" }
        head += "\r\n"
        do { try send(Array(head.utf8)[...]) } catch { close(fd); throw error }
    }

    deinit { close(fd) }

    /// Returns once the kernel has taken every byte; the server may not have read them yet.
    func send(_ bytes: ArraySlice<UInt8>) throws {
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw SlowWire.Failed(description: "send: \(String(cString: strerror(errno)))") }
            sent += n
        }
    }

    /// Reads to the end of the connection (the request said `Connection: close`).
    func response() throws -> WireResponse {
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 { throw SlowWire.Failed(description: "recv: \(String(cString: strerror(errno)))") }
            if n == 0 { break }
            data += buffer[0..<n]
        }
        guard let split = data.firstRange(of: Array("\r\n\r\n".utf8)) else { throw SlowWire.Failed(description: "no response (\(data.count) bytes)") }
        let lines = String(decoding: data[..<split.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        let parts = lines[0].split(separator: " ")
        guard parts.count >= 2, let status = Int(parts[1]) else { throw SlowWire.Failed(description: "bad status line") }
        let fields = lines.dropFirst().compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        return WireResponse(status: status, headers: fields, body: Array(data[split.upperBound...]))
    }
}

/// HTTP over a loopback socket with timeouts, for a server the test may kill at any moment.
enum SlowWire {
    struct Failed: Error, CustomStringConvertible { let description: String }

    static func send(port: Int, method: String, path: String, headers: [(String, String)] = [], body: [UInt8] = [],
                     timeout: Int = 30) throws -> WireResponse {
        let request = try WireRequest(port: port, method: method, path: path, headers: headers,
                                      contentLength: !body.isEmpty || method == "POST" ? body.count : nil, timeout: timeout)
        try request.send(body[...])
        return try request.response()
    }

    /// Opens a case with its tracking code over the wire, retried while the lookup gate answers
    /// 503 "busy": the answer to `POST /status`, a 303 with the session cookie when the code opens.
    static func openCase(port: Int, code: String) throws -> WireResponse {
        for _ in 0..<100 {
            let r = try send(port: port, method: "POST", path: "/status",
                             headers: [("Content-Type", "application/x-www-form-urlencoded")],
                             body: Array("code=\(code.replacingOccurrences(of: " ", with: "+"))".utf8))
            if r.status == 503 && r.header("Retry-After") != nil { usleep(100_000); continue }
            return r
        }
        throw Failed(description: "the lookup gate answered busy 100 times in a row")
    }

    static func openStatus(port: Int, code: String) throws -> Int { try openCase(port: port, code: code).status }
}

/// Polls `condition` until it holds or `timeout` passes. The deadline only keeps a broken run from
/// hanging: callers assert on the outcome, never on how long it took.
func eventually(timeout: TimeInterval = 120, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if try condition() { return true }
        usleep(10_000)
    }
    return try condition()
}

/// Set by CI (`.ci/run` exports CI=true): checks that may skip on a developer's machine must run.
var runningInCI: Bool {
    let value = (ProcessInfo.processInfo.environment["CI"] ?? "").lowercased()
    return !value.isEmpty && value != "false" && value != "0"
}

/// A small file system for a data folder that must fill up: tmpfs, or a loop-mounted ext4 image
/// where tmpfs may not be mounted. Needs root (CAP_SYS_ADMIN); the reason is kept when neither works.
final class ScratchDisk {
    let mountPoint: URL
    let kind: String
    private var image: URL?
    private var mounted = true

    struct Unavailable: Error, CustomStringConvertible { let description: String }

    init(at mountPoint: URL, megabytes: Int) throws {
        self.mountPoint = mountPoint
        try FileManager.default.createDirectory(at: mountPoint, withIntermediateDirectories: true)
        let tmpfs = ScratchDisk.sh(["/bin/mount", "-t", "tmpfs", "-o", "size=\(megabytes)m,mode=0700", "tmpfs", mountPoint.path])
        if tmpfs.status == 0 {
            kind = "tmpfs"
            return
        }
        let image = mountPoint.deletingLastPathComponent().appendingPathComponent("disk.img")
        let steps: [[String]] = [
            ["/usr/bin/truncate", "-s", "\(megabytes)M", image.path],
            ["/sbin/mkfs.ext4", "-q", "-F", "-m", "0", image.path],
            ["/bin/mount", "-o", "loop", image.path, mountPoint.path],
        ]
        var errors = ["mount -t tmpfs: \(tmpfs.output)"]
        for step in steps {
            let r = ScratchDisk.sh(step)
            guard r.status == 0 else {
                errors.append("\(step.joined(separator: " ")): \(r.output)")
                throw Unavailable(description: errors.joined(separator: "; "))
            }
        }
        self.image = image
        kind = "ext4 on a loop device"
    }

    func unmount() {
        guard mounted else { return }
        mounted = false
        // Lazy, so a file some test left open cannot keep the mount (and the next run) stuck.
        _ = ScratchDisk.sh(["/bin/umount", "-l", mountPoint.path])
        if let image { try? FileManager.default.removeItem(at: image) }
    }

    deinit { unmount() }

    static func sh(_ arguments: [String]) -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: arguments[0])
        p.arguments = Array(arguments.dropFirst())
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        do { try p.run() } catch { return (-1, "\(error)") }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Fills what space is left with a file, 4 KiB at a time until ENOSPC; returns its size.
    func fill(name: String = "filler") -> Int {
        let fd = open(mountPoint.appendingPathComponent(name).path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return 0 }
        defer { close(fd) }
        let block = [UInt8](repeating: 0xA5, count: 4096)
        var total = 0
        while true {
            let n = block.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            total += n
        }
        // A last partial block: the disk is now full to the byte.
        while block.withUnsafeBytes({ write(fd, $0.baseAddress, 1) }) == 1 { total += 1 }
        return total
    }
}

/// Results gathered from several threads.
final class Collected<T: Sendable>: Sendable {
    private let items = Mutex<[T]>([])
    func append(_ item: T) { items.withLock { $0.append(item) } }
    var all: [T] { items.withLock { $0 } }
}
