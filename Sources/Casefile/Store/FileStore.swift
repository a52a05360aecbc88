import Foundation
import Glibc
import Vault

/// Evidence files on disk, each stream-sealed with its case key (Vault's chunked format), under
/// `data/files/`. A file is written as `<name>.part`, synced, renamed and its folder synced, so
/// that a crash leaves either a whole sealed file or a `.part` that start-up sweeps away; the
/// database row that names a file commits only after the rename.
public final class FileStore: Sendable {
    let folder: URL

    init(folder: URL) throws {
        self.folder = folder
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let description: String
        /// The disk is full: the caller answers 503, not 500.
        public let diskFull: Bool
    }

    static func failure(_ what: String) -> Failure {
        let code = errno
        return Failure(description: "\(what): \(String(cString: strerror(code)))", diskFull: code == ENOSPC || code == EDQUOT)
    }

    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    /// Streams plaintext in, sealed bytes out to disk; memory stays one chunk whatever the size.
    public final class Writer {
        let store: FileStore
        let name: String
        private var fd: Int32
        private let sealer: StreamSealer
        public private(set) var plaintextCount: Int64 = 0
        private var finished = false

        init(store: FileStore, name: String, key: SecureBytes, associatedData: [UInt8]) throws {
            self.store = store
            self.name = name
            fd = open(store.path(name + ".part"), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
            guard fd >= 0 else { throw FileStore.failure("cannot create an evidence file") }
            sealer = try StreamSealer(key: key, associatedData: associatedData)
        }

        public func write(_ bytes: [UInt8]) throws {
            plaintextCount += Int64(bytes.count)
            try put(try sealer.update(bytes))
        }

        private func put(_ bytes: [UInt8]) throws {
            var offset = 0
            while offset < bytes.count {
                let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
                if n < 0 {
                    if errno == EINTR { continue }
                    throw FileStore.failure("cannot write an evidence file")
                }
                offset += n
            }
        }

        /// Seals the last chunk, syncs and renames into place.
        func finish() throws {
            try put(try sealer.finish())
            guard fsync(fd) == 0 else { throw FileStore.failure("cannot sync an evidence file") }
            close(fd)
            fd = -1
            guard rename(store.path(name + ".part"), store.path(name)) == 0 else {
                throw FileStore.failure("cannot move an evidence file into place")
            }
            try store.syncFolder()
            finished = true
        }

        /// Deletes what was written (a failed form, a dropped upload).
        public func discard() {
            if fd >= 0 { close(fd); fd = -1 }
            unlink(store.path(name + ".part"))
            if finished { unlink(store.path(name)) }
        }

        deinit {
            if !finished { discard() }
        }
    }

    /// A fresh random file name: the caller binds it into the associated data before writing.
    static func newName() throws -> String { hex(try Random.bytes(16)) }

    /// `key` is the case key the file belongs under (`CaseKeyring.withFileKey`), lent for the call.
    func writer(name: String, key: SecureBytes, associatedData: [UInt8]) throws -> Writer {
        try Writer(store: self, name: name, key: key, associatedData: associatedData)
    }

    /// Opens a sealed file for reading, chunk by chunk; a corrupted or swapped file fails with
    /// an error that says so instead of yielding altered bytes.
    func read(_ name: String, key: SecureBytes, associatedData: [UInt8], chunk: ([UInt8]) throws -> Void) throws {
        let fd = open(path(name), O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { throw FileStore.failure("cannot open an evidence file") }
        defer { close(fd) }
        let opener = try StreamOpener(key: key, associatedData: associatedData)
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileStore.failure("cannot read an evidence file")
            }
            if n == 0 { break }
            let out = try opener.update(Array(buffer[0..<n]))
            if !out.isEmpty { try chunk(out) }
        }
        let last = try opener.finish()
        if !last.isEmpty { try chunk(last) }
    }

    /// Returns the bytes the file held (0 if it was gone already).
    @discardableResult
    func delete(_ name: String) -> Int64 {
        var info = stat()
        let size = lstat(path(name), &info) == 0 ? Int64(info.st_size) : 0
        return unlink(path(name)) == 0 ? size : 0
    }

    /// Removes `.part` files and files no row names: the leftovers of a crash mid-upload.
    func sweep(keeping known: Set<String>) throws -> Int {
        var removed = 0
        for entry in try FileManager.default.contentsOfDirectory(atPath: folder.path) where !known.contains(entry) {
            unlink(path(entry))
            removed += 1
        }
        return removed
    }

    func syncFolder() throws {
        let fd = open(folder.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw FileStore.failure("cannot open the files folder") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw FileStore.failure("cannot sync the files folder") }
    }
}
