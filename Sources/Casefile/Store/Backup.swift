import Foundation
import Glibc
import SQLiteDB
import Synchronization
import Vault

/// Backups and restores of a data folder: the database, the sealed files the database names, the
/// settings file, and a manifest of SHA-256 hashes written last, so that a folder without
/// `MANIFEST.json` is an unfinished backup by construction.
///
/// The key folder is not included. A backup is, like the live data, only ciphertext and the
/// sealed keys of staff: with the pepper and the audit key beside it, whoever takes the backup
/// would hold everything needed to attack tracking codes offline and to re-chain the audit log.
/// Keys are backed up separately, to a different place.
public enum Backup {
    public static let manifestName = "MANIFEST.json"
    static let settingsName = "settings.json"
    static let formatVersion = 1

    public struct Problem: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    public struct Manifest: Codable, Sendable, Equatable {
        public struct Item: Codable, Sendable, Equatable {
            public let name: String
            public let size: Int64
            public let sha256: String
        }
        public struct Counts: Codable, Sendable, Equatable {
            public let cases: Int
            public let attachments: Int
            public let files: Int
            public let fileBytes: Int64
        }
        public let format: String
        public let version: Int
        public let created: String
        public let database: Item
        public let settings: Item?
        public let files: [Item]
        /// Files the snapshot names that were gone when copied: purged after the snapshot.
        public let missing: [String]
        public let counts: Counts
    }

    public enum Progress: Sendable, Equatable {
        case databasePages(done: Int, total: Int)
        case files(done: Int, total: Int, bytesDone: Int64, totalBytes: Int64)
    }

    // MARK: - Restore

    /// Checks every hash the manifest lists, several files at a time; throws at a mismatch,
    /// naming the file.
    static func verify(_ folder: URL) throws -> Manifest {
        let manifest = try readManifest(folder)
        let items = allItems(manifest)
        try inParallel(items.count) { index in
            let item = items[index]
            let url = location(of: item.name, in: folder, manifest: manifest)
            guard let actual = try? hashFile(url.path), actual.sha256 == item.sha256, actual.size == item.size else {
                throw Problem(description: "the backup is damaged: \(item.name) does not match the manifest's SHA-256; do not restore from it")
            }
        }
        return manifest
    }

    /// Verifies the backup, then copies it into `dataFolder`, which must be empty or absent.
    /// Each file is hashed again while copied, so a change between the check and the copy is
    /// caught too. The restored database then gets SQLite's integrity check while the files are
    /// still being copied (the check alone takes seconds at 100,000 cases); a database that
    /// fails it fails the restore.
    public static func restore(from folder: URL, into dataFolder: URL,
                               progress: (@Sendable (Progress) -> Void)? = nil) throws -> Manifest {
        let manifest = try verify(folder)
        try prepareEmptyFolder(dataFolder, what: "the data folder")
        let filesFolder = dataFolder.appendingPathComponent("files")
        try FileManager.default.createDirectory(at: filesFolder, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        let items = allItems(manifest)
        let tally = Tally(total: items.count, totalBytes: items.reduce(Int64(0)) { $0 + $1.size }, progress: progress)
        try inParallel(items.count) { index in
            let item = items[index]
            let target: URL
            switch item.name {
            case manifest.database.name: target = dataFolder.appendingPathComponent(Ledger.databaseName)
            case manifest.settings?.name: target = dataFolder.appendingPathComponent(settingsName)
            default: target = filesFolder.appendingPathComponent(item.name)
            }
            let copied = try copyFile(from: location(of: item.name, in: folder, manifest: manifest).path, to: target.path)
            guard let copied, copied.sha256 == item.sha256 else {
                throw Problem(description: "\(item.name) changed while it was restored; the restore into \(dataFolder.path) is incomplete, empty the folder and try again")
            }
            tally.add(copied.size)
            if item.name == manifest.database.name { try checkRestoredDatabase(target.path) }
        }
        try syncFolder(filesFolder.path)
        try syncFolder(dataFolder.path)
        return manifest
    }

    static func checkRestoredDatabase(_ path: String) throws {
        let problems: [String]
        do {
            let db = try Database(path: path, options: DatabaseOptions(queryOnly: true))
            defer { try? db.close() }
            problems = try db.integrityCheck()
        } catch {
            problems = ["\(error)"]
        }
        guard problems.isEmpty else {
            throw Problem(description: "the restored database fails its integrity check: \(problems.prefix(3).joined(separator: "; "))")
        }
    }

    static func readManifest(_ folder: URL) throws -> Manifest {
        guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(manifestName).path) else {
            throw Problem(description: "\(folder.path) holds no \(manifestName): it is not a Candor backup, or the backup did not finish")
        }
        let manifest: Manifest
        do { manifest = try JSONDecoder().decode(Manifest.self, from: data) } catch {
            throw Problem(description: "\(manifestName) in \(folder.path) cannot be read: it is damaged")
        }
        guard manifest.format == "candor-backup", manifest.version == formatVersion else {
            throw Problem(description: "\(manifestName) is format \(manifest.format) version \(manifest.version); this Candor reads candor-backup version \(formatVersion)")
        }
        // The names come from a file someone may have edited: none may leave the backup folder.
        for item in manifest.files where !isPlainName(item.name) {
            throw Problem(description: "\(manifestName) names a file outside the backup; refusing it")
        }
        guard manifest.database.name == Ledger.databaseName, manifest.settings.map({ $0.name == settingsName }) ?? true else {
            throw Problem(description: "\(manifestName) names an unexpected database or settings file; refusing it")
        }
        return manifest
    }

    static func allItems(_ m: Manifest) -> [Manifest.Item] {
        [m.database] + (m.settings.map { [$0] } ?? []) + m.files
    }

    static func location(of name: String, in folder: URL, manifest: Manifest) -> URL {
        name == manifest.database.name || name == manifest.settings?.name
            ? folder.appendingPathComponent(name)
            : folder.appendingPathComponent("files").appendingPathComponent(name)
    }

    static func isPlainName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) }
    }

    // MARK: - Files

    /// Files copied or hashed at once. Each copy ends in its own fsync, a wait on the disk; with
    /// several under way the disk always has the next file to write and the processors the next
    /// one to hash, where one at a time left each idle in turn.
    static let workers = 4

    /// Runs `body` for every index below `count` on `workers` threads, each taking the next
    /// index; after an error no new index is started, and the first error is rethrown once every
    /// thread has stopped.
    static func inParallel(_ count: Int, _ body: @escaping @Sendable (Int) throws -> Void) throws {
        final class Shared: Sendable {
            let next = Mutex(0)
            let failure = Mutex<(any Error)?>(nil)
        }
        let shared = Shared()
        let group = DispatchGroup()
        for _ in 0..<min(workers, count) {
            group.enter()
            Thread {
                defer { group.leave() }
                while true {
                    let index = shared.next.withLock { next -> Int? in
                        guard next < count, shared.failure.withLock({ $0 == nil }) else { return nil }
                        next += 1
                        return next - 1
                    }
                    guard let index else { return }
                    do { try body(index) } catch {
                        shared.failure.withLock { if $0 == nil { $0 = error } }
                    }
                }
            }.start()
        }
        group.wait()
        if let failure = shared.failure.withLock({ $0 }) { throw failure }
    }

    /// Counts what the threads copied and reports it as progress.
    final class Tally: Sendable {
        private let state = Mutex((done: 0, bytes: Int64(0)))
        let total: Int
        let totalBytes: Int64
        let progress: (@Sendable (Progress) -> Void)?

        init(total: Int, totalBytes: Int64, progress: (@Sendable (Progress) -> Void)?) {
            self.total = total
            self.totalBytes = totalBytes
            self.progress = progress
        }

        /// One more file done; reported under the lock, so the reports come in order.
        func add(_ bytes: Int64) {
            state.withLock { s in
                s.done += 1
                s.bytes += bytes
                progress?(.files(done: s.done, total: total, bytesDone: s.bytes, totalBytes: max(totalBytes, s.bytes)))
            }
        }

        var bytes: Int64 { state.withLock { $0.bytes } }
    }

    /// Creates `url` with mode 0700, or accepts it if it is an empty folder; anything else is
    /// refused, so a backup or a restore never mixes with or overwrites other data.
    static func prepareEmptyFolder(_ url: URL, what: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw Problem(description: "\(what) \(url.path) is a file, not a folder") }
            guard try FileManager.default.contentsOfDirectory(atPath: url.path).isEmpty else {
                throw Problem(description: "\(what) \(url.path) is not empty; refusing to write into it (name a new or empty folder)")
            }
            return
        }
        try PrivateFiles.createFolder(url)
    }

    /// Copies, hashing and syncing; nil when the source does not exist. The copy is made in the
    /// kernel (`sendfile`, page cache to page cache, as `cp` does with `copy_file_range`: the
    /// bytes do not pass through this process, which on a busy machine halves the processor time),
    /// and the hash is then taken of the copy, read back: what the manifest records is what was
    /// written, whatever the source did meanwhile. Where the kernel cannot, the bytes are read,
    /// hashed and written here.
    static func copyFile(from source: String, to target: String, inKernel: Bool = true) throws -> (size: Int64, sha256: String)? {
        let input = open(source, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard input >= 0 else {
            if errno == ENOENT { return nil }
            throw Problem(description: "cannot open \(source): \(String(cString: strerror(errno)))")
        }
        defer { close(input) }
        let output = open(target, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard output >= 0 else { throw Problem(description: "cannot create \(target): \(String(cString: strerror(errno)))") }
        defer { close(output) }
        let copied: (size: Int64, sha256: String)
        if inKernel, let size = try kernelCopy(input, to: output, target: target) {
            guard lseek(output, 0, SEEK_SET) == 0 else { throw Problem(description: "cannot read back \(target): \(String(cString: strerror(errno)))") }
            copied = try hash(output, source: target)
            guard copied.size == size else { throw Problem(description: "\(target) does not hold the \(size) bytes copied into it") }
        } else {
            copied = try copyThroughMemory(input, to: output, source: source, target: target)
        }
        guard fsync(output) == 0 else { throw Problem(description: "cannot sync \(target): \(String(cString: strerror(errno)))") }
        return copied
    }

    /// The bytes copied, or nil when these files cannot be copied in the kernel (then nothing was
    /// written).
    private static func kernelCopy(_ input: Int32, to output: Int32, target: String) throws -> Int64? {
        var size: Int64 = 0
        while true {
            let n = sendfile(output, input, nil, 1 << 30)
            if n == 0 { return size }
            if n > 0 {
                size += Int64(n)
                continue
            }
            let code = errno
            if code == EINTR { continue }
            if size == 0, [EINVAL, ENOSYS, EOPNOTSUPP].contains(code) { return nil }
            throw Problem(description: "cannot write \(target): \(String(cString: strerror(code)))")
        }
    }

    private static func copyThroughMemory(_ input: Int32, to output: Int32, source: String, target: String) throws -> (size: Int64, sha256: String) {
        let hasher = try SHA256.Hasher()
        var size: Int64 = 0
        try stream(input, source: source) { chunk in
            try hasher.update(chunk)
            var offset = 0
            while offset < chunk.count {
                let n = write(output, chunk.baseAddress! + offset, chunk.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw Problem(description: "cannot write \(target): \(String(cString: strerror(errno)))")
                }
                offset += n
            }
            size += Int64(chunk.count)
        }
        return (size, hex(try hasher.finalize()))
    }

    static func hashFile(_ path: String) throws -> (size: Int64, sha256: String) {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { throw Problem(description: "cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        return try hash(fd, source: path)
    }

    private static func hash(_ fd: Int32, source: String) throws -> (size: Int64, sha256: String) {
        let hasher = try SHA256.Hasher()
        var size: Int64 = 0
        try stream(fd, source: source) { chunk in
            try hasher.update(chunk)
            size += Int64(chunk.count)
        }
        return (size, hex(try hasher.finalize()))
    }

    private static func stream(_ fd: Int32, source: String, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw Problem(description: "cannot read \(source): \(String(cString: strerror(errno)))")
            }
            if n == 0 { return }
            try buffer.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
        }
    }

    static func syncFolder(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0, fsync(fd) == 0 else {
            if fd >= 0 { close(fd) }
            throw Problem(description: "cannot sync the folder \(path)")
        }
        close(fd)
    }

    static func writeManifest(_ manifest: Manifest, in folder: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let bytes = Array(try encoder.encode(manifest))
        let part = folder.appendingPathComponent(manifestName + ".part").path
        let fd = open(part, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw Problem(description: "cannot create the manifest: \(String(cString: strerror(errno)))") }
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd) == 0
        close(fd)
        guard written == bytes.count, synced, rename(part, folder.appendingPathComponent(manifestName).path) == 0 else {
            throw Problem(description: "cannot write the manifest in \(folder.path)")
        }
        try syncFolder(folder.path)
    }
}

extension Ledger {
    /// A consistent backup while the server runs. The database is copied first, as one
    /// snapshot; the files are then copied by the names that snapshot holds, so files uploaded
    /// later are left out (their rows are not in the copy) and files deleted later are still
    /// there unless a purge removed them first: those are listed in the manifest as missing.
    @discardableResult
    public func backup(to folder: URL, settingsFile: URL? = nil,
                       progress: (@Sendable (Backup.Progress) -> Void)? = nil) throws -> Backup.Manifest {
        try Backup.prepareEmptyFolder(folder, what: "the backup folder")
        let databasePath = folder.appendingPathComponent(Ledger.databaseName).path
        try pool.backup(to: databasePath, pagesPerStep: 256) { step in
            progress?(.databasePages(done: step.totalPages - step.remainingPages, total: step.totalPages))
        }
        let (names, cases) = try Ledger.snapshotContents(databasePath)

        let filesFolder = folder.appendingPathComponent("files")
        try FileManager.default.createDirectory(at: filesFolder, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        let sizes = names.map { name -> Int64 in
            var info = stat()
            return stat(files.path(name), &info) == 0 ? Int64(info.st_size) : 0
        }
        let tally = Backup.Tally(total: names.count, totalBytes: sizes.reduce(0, +), progress: progress)
        let copies = Mutex([Backup.Manifest.Item?](repeating: nil, count: names.count))
        let database = Mutex<(size: Int64, sha256: String)?>(nil)
        let store = files
        // Job 0 checks the database copy, the longest single job, while the others copy files.
        try Backup.inParallel(names.count + 1) { job in
            guard job > 0 else {
                let checked = try Ledger.checkSnapshot(databasePath)
                database.withLock { $0 = checked }
                return
            }
            let name = names[job - 1]
            guard let copied = try Backup.copyFile(from: store.path(name), to: filesFolder.appendingPathComponent(name).path) else {
                tally.add(0)
                return
            }
            copies.withLock { $0[job - 1] = .init(name: name, size: copied.size, sha256: copied.sha256) }
            tally.add(copied.size)
        }
        try Backup.syncFolder(filesFolder.path)
        let copied = copies.withLock { $0 }
        let items = copied.compactMap { $0 }
        let missing = zip(names, copied).filter { $0.1 == nil }.map(\.0)

        var settingsItem: Backup.Manifest.Item?
        if let settingsFile,
           let copied = try Backup.copyFile(from: settingsFile.path, to: folder.appendingPathComponent(Backup.settingsName).path) {
            settingsItem = .init(name: Backup.settingsName, size: copied.size, sha256: copied.sha256)
        }
        guard let database = database.withLock({ $0 }) else { throw Backup.Problem(description: "the database copy was not checked") }
        let manifest = Backup.Manifest(
            format: "candor-backup", version: Backup.formatVersion,
            created: ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(clock()))),
            database: .init(name: Ledger.databaseName, size: database.size, sha256: database.sha256),
            settings: settingsItem, files: items, missing: missing,
            counts: .init(cases: cases, attachments: names.count, files: items.count, fileBytes: tally.bytes))
        try Backup.syncFolder(folder.path)
        try Backup.writeManifest(manifest, in: folder)
        return manifest
    }

    /// Reads the copy, not the live database: the file list must be the snapshot's. Opening it
    /// also proves the copy is a database. The connection closes before the copy is checked and
    /// hashed, so its journal is gone.
    static func snapshotContents(_ path: String) throws -> (files: [String], cases: Int) {
        let db = try Database(path: path, options: DatabaseOptions(queryOnly: true))
        let files = try db.query("SELECT file FROM attachments ORDER BY id").map { try $0.required(String.self, "file", table: AttachmentRow.table) }
        let cases = try db.required("SELECT count(*) AS n FROM cases", as: Int.self, column: "n", table: "cases")
        try db.close()
        return (files, cases)
    }

    /// The copy's integrity check, its sync (the backup target was written without a sync of
    /// its own) and its hash, in that order: no manifest names a copy that failed the check.
    static func checkSnapshot(_ path: String) throws -> (size: Int64, sha256: String) {
        let db = try Database(path: path, options: DatabaseOptions(queryOnly: true))
        let problems = try db.integrityCheck()
        try db.close()
        guard problems.isEmpty else { throw Backup.Problem(description: "the database copy failed its integrity check; the backup is not usable") }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        defer { if fd >= 0 { Glibc.close(fd) } }
        guard fd >= 0, fsync(fd) == 0 else { throw Backup.Problem(description: "cannot sync the database copy") }
        return try Backup.hashFile(path)
    }
}
