@testable import Casefile
import Casework
@testable import Commands
@testable import ConsoleSite
import Foundation
import Glibc
@testable import Gateway
@testable import ReporterSite
@testable import SiteKit
import Synchronization
import TestSupport
import XCTest

final class BackupCommandTests: XCTestCase {
    var world: World!

    override func setUpWithError() throws {
        world = try World()
        try world.standardRoster()
        _ = try world.submit(Samples.draft(1), files: [("f-1.bin", "application/octet-stream", Samples.fileBytes(1))])
    }

    override func tearDown() { world = nil }

    func path(_ name: String) -> String { world.root.appendingPathComponent(name).path }

    func testBackupThenRestoreThroughTheCommandLine() throws {
        let keys = ["--keys", path("Keys")]
        XCTAssertEqual(CandorCLI.main(["backup", path("b1"), "--data", world.dataFolder.path] + keys), 0)
        XCTAssertTrue(FileManager.default.fileExists(atPath: path("b1/MANIFEST.json")))
        XCTAssertTrue(FileManager.default.fileExists(atPath: path("b1/settings.json")), "the settings file travels with the data")
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("b1/Keys")))
        XCTAssertEqual(CandorCLI.main(["backup", path("b1"), "--data", world.dataFolder.path] + keys), 1, "a non-empty folder is refused")

        XCTAssertEqual(CandorCLI.main(["restore", path("b1"), "--data", path("restored")] + keys), 0)
        XCTAssertEqual(CandorCLI.main(["restore", path("b1"), "--data", path("restored")] + keys), 1, "a non-empty data folder is refused")

        // Another installation's keys: the data is copied, but the fingerprint check says so.
        _ = try KeyFolder.create(at: world.root.appendingPathComponent("OtherKeys"))
        XCTAssertEqual(CandorCLI.main(["restore", path("b1"), "--data", path("restored2"), "--keys", path("OtherKeys")]), 1)
    }

    /// Output into a file (a log, a cron mail): no progress line, and the throughput at the end.
    func testBackupAndRestoreIntoALogPrintThroughputAndNoProgressLine() throws {
        let keys = ["--keys", path("Keys")]
        let backup = try capturingStandardOutput {
            XCTAssertEqual(CandorCLI.main(["backup", path("b1"), "--data", world.dataFolder.path] + keys), 0)
        }
        let restore = try capturingStandardOutput {
            XCTAssertEqual(CandorCLI.main(["restore", path("b1"), "--data", path("restored")] + keys), 0)
        }
        for output in [backup, restore] {
            XCTAssertFalse(output.contains("\r") || output.contains("\u{1B}"), "no progress line: \(output)")
            XCTAssertFalse(output.contains("database:") || output.contains("files: "), output)
            let line = try XCTUnwrap(output.split(separator: "\n").first { $0.hasPrefix("throughput: ") }, output)
            XCTAssertTrue(line.contains(" MiB/s, ") && line.hasSuffix(" files/s"), String(line))
            XCTAssertFalse(line.hasPrefix("throughput: 0 bytes"), "the database and the file count: \(line)")
        }
    }

    func testProgressPrinterDrawsOneLineOnATerminalAndNothingElsewhere() {
        let written = Mutex<[String]>([])
        let onTerminal = ProgressPrinter(terminal: true) { text in written.withLock { $0.append(text) } }
        onTerminal.report(.files(done: 1, total: 3, bytesDone: 2 << 20, totalBytes: 6 << 20))
        Thread.sleep(forTimeInterval: 0.25)
        onTerminal.report(.files(done: 2, total: 3, bytesDone: 4 << 20, totalBytes: 6 << 20))
        onTerminal.report(.files(done: 3, total: 3, bytesDone: 6 << 20, totalBytes: 6 << 20))
        onTerminal.finish(bytes: 6 << 20, items: 3, noun: "files")
        let lines = written.withLock { $0 }
        XCTAssertEqual(lines.count, 4, "\(lines)")
        XCTAssertEqual(lines.first, "\r\u{1B}[Kfiles: 2/3, 4.0 MiB of 6.0 MiB", "rewritten in place, at most five times a second")
        XCTAssertEqual(lines.dropFirst().first, "\r\u{1B}[Kfiles: 3/3, 6.0 MiB of 6.0 MiB", "the last state is always drawn")
        XCTAssertEqual(lines.dropLast().last, "\n", "the progress line ends before the result")
        XCTAssertTrue(lines.last?.hasPrefix("throughput: 6.0 MiB in ") == true, "\(lines)")
        XCTAssertTrue(lines.last?.hasSuffix(" files/s\n") == true)

        written.withLock { $0.removeAll() }
        let inALog = ProgressPrinter(terminal: false) { text in written.withLock { $0.append(text) } }
        inALog.report(.databasePages(done: 10, total: 10))
        inALog.draw("purged 1/1", final: true)
        inALog.finish(bytes: 512, items: 1, noun: "cases")
        XCTAssertEqual(written.withLock { $0.count }, 1, "only the throughput")
        XCTAssertTrue(written.withLock { $0[0] }.hasPrefix("throughput: 512 bytes in "))
    }
}

/// What `body` writes to standard output (descriptor 1, which Terminal and ProgressPrinter write
/// to unbuffered), through a file, so the command sees an output that is not a terminal.
func capturingStandardOutput(_ body: () throws -> Void) throws -> String {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("stdout-\(UUID().uuidString)").path
    let fd = open(file, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
    guard fd >= 0 else { throw CocoaError(.fileWriteUnknown) }
    defer { close(fd); unlink(file) }
    fflush(nil)
    let saved = dup(STDOUT_FILENO)
    dup2(fd, STDOUT_FILENO)
    do {
        try body()
    } catch {
        dup2(saved, STDOUT_FILENO)
        close(saved)
        throw error
    }
    dup2(saved, STDOUT_FILENO)
    close(saved)
    return String(decoding: FileManager.default.contents(atPath: file) ?? Data(), as: UTF8.self)
}
