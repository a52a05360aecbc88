import Foundation
import Glibc
import XCTest
@testable import Vault

final class StreamFilesTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("vault-stream-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// Writes `size` random bytes in 1 MiB pieces and returns their SHA-256.
    func writeRandomFile(_ url: URL, size: Int) throws -> [UInt8] {
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        let hasher = try SHA256.Hasher()
        var left = size
        while left > 0 {
            let piece = try Random.bytes(min(left, 1 << 20))
            try hasher.update(piece)
            try handle.write(contentsOf: piece)
            left -= piece.count
        }
        return try hasher.finalize()
    }

    func sha256(of url: URL) throws -> [UInt8] {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        let hasher = try SHA256.Hasher()
        while let data = try handle.read(upToCount: 1 << 20), !data.isEmpty {
            try hasher.update([UInt8](data))
        }
        return try hasher.finalize()
    }

    /// Peak resident set size (VmHWM) in KiB.
    func peakResidentKiB() throws -> Int {
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") }!
        return Int(line.split(separator: " ", omittingEmptySubsequences: true)[1])!
    }

    func testLargeFileRoundTripInConstantMemory() throws {
        let size = 80 * 1024 * 1024
        let plain = directory.appendingPathComponent("evidence.bin")
        let sealed = directory.appendingPathComponent("evidence.sealed")
        let opened = directory.appendingPathComponent("evidence.opened")
        let originalDigest = try writeRandomFile(plain, size: size)
        let key = try SecureBytes.random(count: 32)

        // Reset the peak so that earlier tests (scrypt takes 1 GiB) do not hide growth here.
        try "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
        let before = try peakResidentKiB()
        try StreamSealer.sealFile(from: plain, to: sealed, key: key, associatedData: [1, 2, 3])
        try StreamOpener.openFile(from: sealed, to: opened, key: key, associatedData: [1, 2, 3])
        let growthKiB = try peakResidentKiB() - before

        let sealedSize = try FileManager.default.attributesOfItem(atPath: sealed.path)[.size] as! Int
        XCTAssertEqual(sealedSize, 25 + size + 16 * (size / 65536))
        XCTAssertEqual(try sha256(of: opened), originalDigest)
        print("stream round trip of \(size >> 20) MiB: peak RSS grew by \(growthKiB) KiB")
        // AddressSanitizer keeps freed memory in quarantine (256 MiB), so RSS is meaningless there.
        let underAddressSanitizer = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "__asan_init") != nil
        if !underAddressSanitizer { XCTAssertLessThan(growthKiB, 16 * 1024, "peak RSS grew by \(growthKiB) KiB for an \(size >> 20) MiB file") }
        // The measurement itself must see growth: touching 32 MiB has to show up.
        let probe = UnsafeMutableRawBufferPointer.allocate(byteCount: 32 << 20, alignment: 4096)
        defer { probe.deallocate() }
        probe.initializeMemory(as: UInt8.self, repeating: 1)
        XCTAssertGreaterThan(try peakResidentKiB() - before, 24 * 1024)
        let mode = try FileManager.default.attributesOfItem(atPath: opened.path)[.posixPermissions] as! Int
        XCTAssertEqual(mode & 0o077, 0, "output must not be readable by others")
    }

    func testFailedOpenLeavesNothingBehind() throws {
        let plain = directory.appendingPathComponent("note.txt")
        let sealed = directory.appendingPathComponent("note.sealed")
        let opened = directory.appendingPathComponent("note.opened")
        _ = try writeRandomFile(plain, size: 200_000)
        let key = try SecureBytes.random(count: 32)
        try StreamSealer.sealFile(from: plain, to: sealed, key: key)
        var bytes = [UInt8](try Data(contentsOf: sealed))
        bytes[bytes.count - 100] ^= 1
        try Data(bytes).write(to: sealed)
        XCTAssertThrowsError(try StreamOpener.openFile(from: sealed, to: opened, key: key)) {
            guard case VaultError.authenticationFailed = $0 else { return XCTFail("\($0)") }
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted(), ["note.sealed", "note.txt"])
        XCTAssertThrowsError(try StreamOpener.openFile(from: directory.appendingPathComponent("missing"), to: opened, key: key)) {
            XCTAssertTrue("\($0)".contains("No such file"), "\($0)")
        }
    }

    func testDescriptorVariants() throws {
        let plain = directory.appendingPathComponent("a.bin")
        let sealed = directory.appendingPathComponent("a.sealed")
        let opened = directory.appendingPathComponent("a.opened")
        let digest = try writeRandomFile(plain, size: 300_001)
        let key = try SecureBytes.random(count: 32)
        let input = try FileHandle(forReadingFrom: plain)
        try StreamSealer.sealFile(fromDescriptor: input.fileDescriptor, to: sealed, key: key)
        try input.close()
        let sealedInput = try FileHandle(forReadingFrom: sealed)
        try StreamOpener.openFile(fromDescriptor: sealedInput.fileDescriptor, to: opened, key: key)
        try sealedInput.close()
        XCTAssertEqual(try sha256(of: opened), digest)
    }
}
