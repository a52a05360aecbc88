import Foundation
import Glibc

/// Hands the message to a local `sendmail`-compatible program (`/usr/sbin/sendmail -t -i` by
/// default) on its standard input, and checks that it exits with status 0 in time. `-t` takes
/// the recipient from the To field, `-i` keeps a lone "." line from ending the message early.
///
/// posix_spawn rather than Foundation's Process: the program runs in its own process group, so
/// a hung program and anything it started can be killed together at the timeout (Process
/// waits for the children of a killed shell), and no environment of the server is inherited.
public struct SendmailTransport: MailTransport {
    public let path: String
    public let arguments: [String]
    public let timeout: Double

    public init(path: String = "/usr/sbin/sendmail", arguments: [String] = ["-t", "-i"], timeout: Double = 60) {
        self.path = path
        self.arguments = arguments
        self.timeout = timeout
    }

    public func send(_ message: MailMessage) throws {
        let data = try message.rendered()
        guard access(path, X_OK) == 0 else { throw CourierError.sendmail("\(path) is not an executable program") }
        let input = try Pipe2(), errors = try Pipe2()
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, input.read, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, errors.write, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = [strdup("PATH=/usr/sbin:/usr/bin:/sbin:/bin"), nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
        input.closeRead()
        errors.closeWrite()
        guard spawned == 0 else { throw CourierError.sendmail("cannot start \(path): \(String(cString: strerror(spawned)))") }

        let deadline = Date().addingTimeInterval(timeout)
        // MSG_NOSIGNAL does not apply to pipes; a program exiting unread gives EPIPE, not SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        var sent = 0
        while sent < data.count {
            let n = data.withUnsafeBytes { write(input.write, $0.baseAddress! + sent, $0.count - sent) }
            if n > 0 { sent += n } else if errno != EINTR { break }
        }
        input.closeWrite()
        var status: Int32 = 0
        while true {
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid { break }
            if r < 0 && errno != EINTR { throw CourierError.sendmail("lost track of \(path): \(String(cString: strerror(errno)))") }
            if Date() >= deadline {
                kill(-pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                throw CourierError.sendmail("\(path) did not finish within \(timeout) s and was killed")
            }
            usleep(5_000)
        }
        let stderr = errors.drain(limit: 300).trimmingCharacters(in: .whitespacesAndNewlines)
        let exited = status & 0x7F == 0
        let code = (status >> 8) & 0xFF
        guard exited, code == 0 else {
            let how = exited ? "exited with status \(code)" : "was killed by signal \(status & 0x7F)"
            throw CourierError.sendmail("\(path) \(how)\(stderr.isEmpty ? "" : ": " + stderr)")
        }
        guard sent == data.count else { throw CourierError.sendmail("\(path) did not read the whole message") }
    }
}

/// A pipe whose two descriptors are closed in deinit if not before.
private final class Pipe2 {
    private(set) var read: Int32
    private(set) var write: Int32

    init() throws {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw CourierError.sendmail("pipe: \(String(cString: strerror(errno)))") }
        read = fds[0]
        write = fds[1]
        // Not inherited by anything else the server starts; the child gets its copies by dup2.
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
    }

    func closeRead() { if read >= 0 { close(read); read = -1 } }
    func closeWrite() { if write >= 0 { close(write); write = -1 } }

    /// What is there to read now, without waiting for anyone still holding the other end.
    func drain(limit: Int) -> String {
        _ = fcntl(read, F_SETFL, fcntl(read, F_GETFL) | O_NONBLOCK)
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1024)
        while out.count < limit {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(read, $0.baseAddress, $0.count) }
            guard n > 0 else { break }
            out += buffer[0..<n]
        }
        return String(decoding: out.prefix(limit), as: UTF8.self)
    }

    deinit {
        closeRead()
        closeWrite()
    }
}
