import Foundation
import Glibc

/// File convenience for the streaming cipher. Output goes to a private temporary file beside the
/// destination (mode 0600), is fsynced, and is renamed into place only when the whole stream has
/// been processed: a failed open leaves no partial plaintext behind.
extension StreamSealer {
    /// Seals the file at `source` into `destination` under a 32-byte `key`.
    public static func sealFile(from source: URL, to destination: URL, key: SecureBytes,
                                associatedData: [UInt8] = [], chunkSize: Int = StreamFormat.defaultChunkSize) throws {
        let sealer = try StreamSealer(key: key, associatedData: associatedData, chunkSize: chunkSize)
        try FilePump.run(from: source, to: destination, update: sealer.update, finish: sealer.finish)
    }

    /// Seals everything readable from the open descriptor `source` (not closed) into `destination`.
    public static func sealFile(fromDescriptor source: Int32, to destination: URL, key: SecureBytes,
                                associatedData: [UInt8] = [], chunkSize: Int = StreamFormat.defaultChunkSize) throws {
        let sealer = try StreamSealer(key: key, associatedData: associatedData, chunkSize: chunkSize)
        try FilePump.run(fromDescriptor: source, sourceName: "descriptor \(source)", to: destination,
                         update: sealer.update, finish: sealer.finish)
    }
}

extension StreamOpener {
    /// Opens the sealed file at `source` into `destination`; nothing is left at `destination` on failure.
    public static func openFile(from source: URL, to destination: URL, key: SecureBytes, associatedData: [UInt8] = []) throws {
        let opener = try StreamOpener(key: key, associatedData: associatedData)
        try FilePump.run(from: source, to: destination, update: opener.update, finish: opener.finish)
    }

    /// Opens the sealed stream readable from `source` (not closed) into `destination`.
    public static func openFile(fromDescriptor source: Int32, to destination: URL, key: SecureBytes,
                                associatedData: [UInt8] = []) throws {
        let opener = try StreamOpener(key: key, associatedData: associatedData)
        try FilePump.run(fromDescriptor: source, sourceName: "descriptor \(source)", to: destination,
                         update: opener.update, finish: opener.finish)
    }
}

enum FilePump {
    static let readSize = 64 * 1024

    static func run(from source: URL, to destination: URL,
                    update: (UnsafeRawBufferPointer) throws -> [UInt8], finish: () throws -> [UInt8]) throws {
        let fd = open(source.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw VaultError.io(operation: "open", path: source.path, errno: errno) }
        defer { close(fd) }
        try run(fromDescriptor: fd, sourceName: source.path, to: destination, update: update, finish: finish)
    }

    static func run(fromDescriptor source: Int32, sourceName: String, to destination: URL,
                    update: (UnsafeRawBufferPointer) throws -> [UInt8], finish: () throws -> [UInt8]) throws {
        let suffix = try Random.bytes(8).map { String(format2: $0) }.joined()
        let temporary = destination.path + ".partial-" + suffix
        let out = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard out >= 0 else { throw VaultError.io(operation: "create", path: temporary, errno: errno) }
        var renamed = false
        defer {
            close(out)
            if !renamed { unlink(temporary) }
        }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: readSize, alignment: 16)
        defer {
            secureWipe(buffer)
            buffer.deallocate()
        }
        while true {
            let n = read(source, buffer.baseAddress, readSize)
            if n < 0 {
                if errno == EINTR { continue }
                throw VaultError.io(operation: "read", path: sourceName, errno: errno)
            }
            if n == 0 { break }
            var produced = try update(UnsafeRawBufferPointer(rebasing: buffer[..<n]))
            try writeAll(out, produced, path: temporary)
            produced.withUnsafeMutableBytes { secureWipe($0) }
        }
        var last = try finish()
        try writeAll(out, last, path: temporary)
        last.withUnsafeMutableBytes { secureWipe($0) }
        guard fsync(out) == 0 else { throw VaultError.io(operation: "fsync", path: temporary, errno: errno) }
        guard rename(temporary, destination.path) == 0 else {
            throw VaultError.io(operation: "rename to", path: destination.path, errno: errno)
        }
        renamed = true
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws {
        try bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw VaultError.io(operation: "write", path: path, errno: errno)
                }
                offset += n
            }
        }
    }
}
