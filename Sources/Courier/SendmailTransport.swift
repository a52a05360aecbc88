import Foundation
import Glibc

/// Hands the message to a local `sendmail`-compatible program (`/usr/sbin/sendmail -t -i` by
/// default) on its standard input, and checks that it exits with status 0 in time. `-t` takes
/// the recipient from the To field, `-i` keeps a lone "." line from ending the message early.
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
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw CourierError.sendmail("\(path) is not an executable program")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        // No inherited environment beyond a safe PATH: nothing of the server's leaks into it.
        process.environment = ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin"]
        let input = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        do { try process.run() } catch {
            throw CourierError.sendmail("cannot start \(path): \(error.localizedDescription)")
        }
        // SIGPIPE would kill the server if the program exits without reading; write() reports EPIPE instead.
        signal(SIGPIPE, SIG_IGN)
        let fd = input.fileHandleForWriting.fileDescriptor
        var sent = 0
        while sent < data.count {
            let n = data.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + sent, $0.count - sent) }
            if n <= 0 { if errno == EINTR { continue } else { break } }
            sent += n
        }
        try? input.fileHandleForWriting.close()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            throw CourierError.sendmail("\(path) did not finish within \(Int(timeout)) s")
        }
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile().prefix(300), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            let how = process.terminationReason == .exit ? "exited with status \(process.terminationStatus)" : "was killed by signal \(process.terminationStatus)"
            throw CourierError.sendmail("\(path) \(how)\(stderr.isEmpty ? "" : ": " + stderr)")
        }
        guard sent == data.count else { throw CourierError.sendmail("\(path) did not read the whole message") }
    }
}
