import Foundation
import Glibc
import XCTest
@testable import Commands

final class ProgressPrinterTests: XCTestCase {
    /// What the printer writes to standard output while `body` runs.
    func captured(_ body: () -> Void) throws -> String {
        let pipe = Pipe()
        let saved = dup(STDOUT_FILENO)
        dup2(pipe.fileHandleForWriting.fileDescriptor, STDOUT_FILENO)
        body()
        dup2(saved, STDOUT_FILENO)
        close(saved)
        try pipe.fileHandleForWriting.close()
        return String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    }

    func testInALogOnlyTheThroughputIsWritten() throws {
        let out = try captured {
            let p = ProgressPrinter(terminal: false)
            for i in 1...1000 { p.report(.files(done: i, total: 1000, bytesDone: Int64(i) << 20, totalBytes: 1000 << 20)) }
            p.finish(bytes: 1000 << 20, items: 1000, noun: "files")
        }
        XCTAssertFalse(out.contains("files: "), "no progress line in a log")
        XCTAssertTrue(out.hasPrefix("throughput: 1000.0 MiB in "), out)
        XCTAssertTrue(out.contains("MiB/s"))
    }

    func testOnATerminalOneLineIsRewrittenInPlaceAndEndedBeforeTheThroughput() throws {
        let out = try captured {
            let p = ProgressPrinter(terminal: true)
            for i in 1...1000 { p.report(.files(done: i, total: 1000, bytesDone: Int64(i), totalBytes: 1000)) }
            p.finish(bytes: 1000, items: 1000, noun: "files")
        }
        XCTAssertFalse(out.components(separatedBy: "\n").first?.isEmpty ?? true)
        XCTAssertTrue(out.contains("\r\u{1B}[Kfiles: 1000/1000"), "the last state is drawn")
        XCTAssertLessThan(out.components(separatedBy: "\r").count, 20, "not one line per file: at most five a second")
        XCTAssertEqual(out.components(separatedBy: "\n").count, 3, "the progress line, the throughput, the final newline")
    }
}
