import Foundation
import Glibc
import XCTest

/// The process's peak resident memory (VmHWM), reset before a measurement. Every test target
/// runs in one process, where production-cost scrypt has already peaked at about 1 GiB, so a
/// peak read without a reset cannot show growth. VaultTests' StreamFilesTests does the same
/// reset inline; the two are kept apart rather than adding a shared test-support target.
enum PeakMemory {
    /// AddressSanitizer keeps freed memory in quarantine, so resident size says nothing there.
    static var isMeaningful: Bool { dlsym(UnsafeMutableRawPointer(bitPattern: 0), "__asan_init") == nil }

    static func residentKiB(_ field: String = "VmHWM:") throws -> Int {
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        for line in status.split(separator: "\n") where line.hasPrefix(field) {
            if let kib = Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]) { return kib }
        }
        throw CocoaError(.fileReadCorruptFile)
    }

    /// Sets the peak back to the current resident size (proc(5), clear_refs "5").
    static func reset() throws {
        try "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
    }

    /// How far the peak rose above the resident size at the start while `body` ran, in KiB.
    /// First proves the measurement works here: a touched 32 MiB probe must show up, and a
    /// reset after freeing it must take the peak back down.
    static func growth(file: StaticString = #filePath, line: UInt = #line, during body: () throws -> Void) throws -> Int {
        try reset()
        let start = try residentKiB()
        do {
            let probe = UnsafeMutableRawBufferPointer.allocate(byteCount: 32 << 20, alignment: 4096)
            defer { probe.deallocate() }
            probe.initializeMemory(as: UInt8.self, repeating: 1)
            XCTAssertGreaterThan(try residentKiB() - start, 24 * 1024, "a touched 32 MiB probe must raise the peak", file: file, line: line)
        }
        try reset()
        let before = try residentKiB()
        XCTAssertLessThan(before - start, 8 * 1024, "the reset must drop the probe from the peak", file: file, line: line)
        try body()
        return try residentKiB() - before
    }
}
