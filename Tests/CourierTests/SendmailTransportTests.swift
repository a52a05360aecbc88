import Foundation
import XCTest
@testable import Courier

final class SendmailTransportTests: XCTestCase {
    var dir = ""

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "candor-sendmail-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    func script(_ body: String) throws -> String {
        let path = dir + "/fake-sendmail"
        try ("#!/bin/sh\n" + body + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: path)
        return path
    }

    func message() throws -> MailMessage {
        MailMessage(from: try MailAddress("candor@example.org"), to: try MailAddress("head@example.org"),
                    subject: "Something is waiting for you in the console", body: "x\n", date: 1_795_000_000)
    }

    func testMessageGoesToTheProgramsStandardInputWithItsArguments() throws {
        let out = dir + "/out.eml"
        let path = try script("echo \"$@\" > \"\(dir)/args\"; cat > \"\(out)\"")
        let m = try message()
        try SendmailTransport(path: path, arguments: ["-t", "-i"]).send(m)
        XCTAssertEqual(Array(try Data(contentsOf: URL(fileURLWithPath: out))), try m.rendered())
        XCTAssertEqual(try String(contentsOfFile: dir + "/args", encoding: .utf8), "-t -i\n")
    }

    func testNonZeroExitIsAnErrorWithStatusAndStderr() throws {
        let path = try script("cat > /dev/null; echo 'queue full' >&2; exit 75")
        XCTAssertThrowsError(try SendmailTransport(path: path).send(try message())) { error in
            XCTAssertEqual(String(describing: error), "sendmail: \(path) exited with status 75: queue full")
        }
    }

    func testMissingProgram() throws {
        XCTAssertThrowsError(try SendmailTransport(path: dir + "/none").send(try message())) { error in
            guard case .sendmail? = error as? CourierError else { return XCTFail("\(error)") }
        }
    }

    /// A hung program is killed at the timeout together with what it started: the answer names
    /// the timeout, and neither the shell nor its child is still running afterwards.
    func testHungProgramIsKilledAtTheTimeout() throws {
        let path = try script("sleep 300 & echo $! > \"\(dir)/child\"; echo $$ > \"\(dir)/shell\"; wait")
        XCTAssertThrowsError(try SendmailTransport(path: path, timeout: 1).send(try message())) { error in
            XCTAssertEqual(String(describing: error), "sendmail: \(path) did not finish within 1.0 s and was killed")
        }
        for name in ["shell", "child"] {
            let text = try String(contentsOfFile: dir + "/" + name, encoding: .utf8)
            let pid = try XCTUnwrap(Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)))
            XCTAssertTrue(stops(pid), "the \(name) (pid \(pid)) was left running")
        }
    }

    /// SIGKILL is delivered asynchronously: on a loaded machine the killed process can still be
    /// on a run queue for a moment after `kill` returns. A process left running never stops, so
    /// waiting up to 10 s for it to go cannot make a real leak pass.
    func stops(_ pid: Int32) -> Bool {
        for _ in 0..<200 {
            if !isRunning(pid) { return true }
            usleep(50_000)
        }
        return false
    }

    /// Gone, or a zombie waiting for a parent that is not us to reap it.
    func isRunning(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        let state = stat[stat.index(close, offsetBy: 2)]
        return state != "Z" && state != "X"
    }
}
