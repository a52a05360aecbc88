import Casework
import Foundation
import Synchronization
import Vault
import XCTest
@testable import Casefile
import TestSupport

/// Keeps submitting reports with files from another thread until told to stop.
final class BackgroundSubmitter: Sendable {
    private let stopped = Mutex(false)
    private let submitted = Mutex(0)
    private let failure = Mutex<String?>(nil)
    private let done = DispatchSemaphore(value: 0)

    func start(_ ledger: Ledger) {
        DispatchQueue.global().async {
            var n = 1000
            while !self.stopped.withLock({ $0 }) {
                n += 1
                do {
                    let staging = try ledger.beginIntake()
                    let bytes = Samples.fileBytes(n)
                    let writer = try staging.beginFile(in: ledger.files)
                    try writer.write(bytes)
                    try staging.finishFile(writer, meta: AttachmentMeta(fileName: "f-\(n).bin", contentType: "application/octet-stream",
                                                                        size: Int64(bytes.count), metadataStripped: false))
                    _ = try ledger.submit(Samples.draft(n), staging: staging)
                    self.submitted.withLock { $0 += 1 }
                } catch {
                    self.failure.withLock { $0 = "\(error)" }
                    break
                }
            }
            self.done.signal()
        }
    }

    func stop() -> (count: Int, failure: String?) {
        stopped.withLock { $0 = true }
        done.wait()
        return (submitted.withLock { $0 }, failure.withLock { $0 })
    }
}

final class BackupTests: XCTestCase {
    var world: World!

    override func setUpWithError() throws {
        world = try World()
        try world.standardRoster()
    }

    override func tearDown() { world = nil }

    func submitWithFile(_ n: Int) throws -> Receipt {
        try world.submit(Samples.draft(n), files: [("f-\(n).bin", "application/octet-stream", Samples.fileBytes(n))])
    }

    var target: URL { world.root.appendingPathComponent("backup") }

    func restoredLedger(_ folder: URL) throws -> Ledger {
        try Ledger(dataFolder: folder, keys: world.keys, settings: world.settings, passwordParameters: World.fastParameters)
    }

    func testBackupWhileSubmittingRestoresEveryCaseAndEveryFileByteForByte() throws {
        for n in 1...4 { _ = try submitWithFile(n) }
        let submitter = BackgroundSubmitter()
        submitter.start(world.ledger)
        let manifest = try world.ledger.backup(to: target)
        let (during, failure) = submitter.stop()
        XCTAssertNil(failure)
        XCTAssertGreaterThan(during, 0, "submissions must go on during the backup")
        XCTAssertGreaterThanOrEqual(manifest.counts.cases, 4)
        XCTAssertEqual(manifest.files.count, manifest.counts.attachments)
        XCTAssertEqual(manifest.missing, [])
        XCTAssertTrue(FileManager.default.fileExists(atPath: target.appendingPathComponent(Backup.manifestName).path))

        let restoredFolder = world.root.appendingPathComponent("restored")
        _ = try Backup.restore(from: target, into: restoredFolder)
        let restored = try restoredLedger(restoredFolder)
        defer { try? restored.close() }
        XCTAssertEqual(try restored.pool.integrityCheck(), [])
        guard case .success = try restored.verifyAudit() else { return XCTFail("the restored audit log must verify") }

        let head = try XCTUnwrap(try restored.account(login: "head"))
        let key = try XCTUnwrap(try restored.unlockKey(accountID: head.id, password: World.password))
        let refs = try restored.pool.read { db in try db.query("SELECT ref FROM cases").compactMap { try $0.string("ref") } }
        XCTAssertEqual(refs.count, manifest.counts.cases)
        var filesRead = 0
        for ref in refs {
            guard case .granted(let c) = try restored.staffCase(ref: ref, accountID: head.id, key: key, action: .view) else {
                return XCTFail("every case in the backup must open with the head's key")
            }
            let report = try restored.staffRead(c, kinds: [.report])
            XCTAssertEqual(report.count, 1)
            for info in try restored.attachments(c) {
                let n = try XCTUnwrap(Int(info.meta.fileName.dropFirst(2).dropLast(4)))
                var bytes: [UInt8] = []
                try restored.readAttachment(c, file: info.file) { bytes += $0 }
                XCTAssertEqual(bytes, Samples.fileBytes(n), "file \(info.meta.fileName) must come back byte for byte")
                filesRead += 1
            }
        }
        XCTAssertEqual(filesRead, manifest.files.count)
    }

    func testRestoreRefusesANonEmptyTarget() throws {
        _ = try submitWithFile(1)
        try world.ledger.backup(to: target)
        let occupied = world.root.appendingPathComponent("occupied")
        try FileManager.default.createDirectory(at: occupied, withIntermediateDirectories: true)
        try Data("keep me".utf8).write(to: occupied.appendingPathComponent("other.txt"))
        XCTAssertThrowsError(try Backup.restore(from: target, into: occupied))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: occupied.path), ["other.txt"])
        XCTAssertEqual(try Data(contentsOf: occupied.appendingPathComponent("other.txt")), Data("keep me".utf8))
        // The live data folder is not empty either.
        XCTAssertThrowsError(try Backup.restore(from: target, into: world.dataFolder))
    }

    func testAFlippedByteFailsTheManifestCheckAndNothingIsRestored() throws {
        _ = try submitWithFile(1)
        let manifest = try world.ledger.backup(to: target)
        for victim in [target.appendingPathComponent("files").appendingPathComponent(manifest.files[0].name),
                       target.appendingPathComponent("candor.sqlite")] {
            var bytes = Array(try Data(contentsOf: victim))
            bytes[bytes.count / 2] ^= 0x01
            try Data(bytes).write(to: victim)
            XCTAssertThrowsError(try Backup.verify(target)) { error in
                XCTAssertTrue("\(error)".contains("does not match"), "\(error)")
            }
            let into = world.root.appendingPathComponent("restore-\(UUID().uuidString)")
            XCTAssertThrowsError(try Backup.restore(from: target, into: into))
            XCTAssertFalse(FileManager.default.fileExists(atPath: into.path), "a damaged backup touches nothing")
            bytes[bytes.count / 2] ^= 0x01
            try Data(bytes).write(to: victim)
        }
        XCTAssertNoThrow(try Backup.verify(target))
    }

    func testABackupWithoutItsManifestIsIncomplete() throws {
        _ = try submitWithFile(1)
        try world.ledger.backup(to: target)
        try FileManager.default.removeItem(at: target.appendingPathComponent(Backup.manifestName))
        XCTAssertThrowsError(try Backup.restore(from: target, into: world.root.appendingPathComponent("r"))) { error in
            XCTAssertTrue("\(error)".contains("did not finish"), "\(error)")
        }
    }

    func testANonEmptyBackupFolderIsRefused() throws {
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        try Data("old".utf8).write(to: target.appendingPathComponent("old-backup.tar"))
        XCTAssertThrowsError(try world.ledger.backup(to: target))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: target.path), ["old-backup.tar"])
    }

    func testAFileGoneAfterTheSnapshotIsReportedNotFatal() throws {
        _ = try submitWithFile(1)
        _ = try submitWithFile(2)
        let gone = try world.ledger.pool.read { db in try db.query("SELECT file FROM attachments ORDER BY id").compactMap { try $0.string("file") } }[0]
        // As if a purge unlinked it between the snapshot and the copy: the row is still there.
        world.ledger.files.delete(gone)
        let manifest = try world.ledger.backup(to: target)
        XCTAssertEqual(manifest.missing, [gone])
        XCTAssertEqual(manifest.files.count, 1)
        XCTAssertNoThrow(try Backup.verify(target))
    }

    /// The copy in the kernel and the copy through memory write the same bytes and record the
    /// same size and SHA-256, that of the source.
    func testBothWaysOfCopyingWriteAndHashTheSameBytes() throws {
        let source = world.root.appendingPathComponent("source.bin").path
        let bytes = try Random.bytes(3 << 20) + Array("odd tail".utf8)
        try Data(bytes).write(to: URL(fileURLWithPath: source))
        let expected = try Backup.hashFile(source)
        XCTAssertEqual(expected.size, Int64(bytes.count))
        XCTAssertEqual(expected.sha256, hex(try SHA256.hash(bytes)))
        for inKernel in [true, false] {
            let target = world.root.appendingPathComponent("copy-\(inKernel)").path
            let copied = try XCTUnwrap(try Backup.copyFile(from: source, to: target, inKernel: inKernel))
            XCTAssertEqual(copied.size, expected.size)
            XCTAssertEqual(copied.sha256, expected.sha256)
            XCTAssertEqual(Array(try Data(contentsOf: URL(fileURLWithPath: target))), bytes)
            XCTAssertThrowsError(try Backup.copyFile(from: source, to: target, inKernel: inKernel), "an existing file is never overwritten")
        }
        XCTAssertNil(try Backup.copyFile(from: source + ".gone", to: world.root.appendingPathComponent("none").path))
    }

    /// Files are copied several at a time; the manifest still lists them in the snapshot's
    /// order, and the progress counts up one file at a time to the total.
    func testManyFilesKeepTheSnapshotsOrderAndProgressCountsUp() throws {
        for n in 1...12 { _ = try submitWithFile(n) }
        let names = try world.ledger.pool.read { db in try db.query("SELECT file FROM attachments ORDER BY id").compactMap { try $0.string("file") } }
        let reported = Mutex<[Int]>([])
        let manifest = try world.ledger.backup(to: target) { progress in
            if case .files(let done, let total, _, _) = progress {
                XCTAssertEqual(total, 12)
                reported.withLock { $0.append(done) }
            }
        }
        XCTAssertEqual(manifest.files.map(\.name), names)
        XCTAssertEqual(reported.withLock { $0 }, Array(1...12))
        for item in manifest.files {
            XCTAssertEqual(try Backup.hashFile(world.ledger.files.path(item.name)).sha256, item.sha256)
        }
        let restoredProgress = Mutex<[Int]>([])
        let into = world.root.appendingPathComponent("restored")
        _ = try Backup.restore(from: target, into: into) { progress in
            if case .files(let done, _, _, _) = progress { restoredProgress.withLock { $0.append(done) } }
        }
        XCTAssertEqual(restoredProgress.withLock { $0 }, Array(1...(12 + 1)), "the files and the database")
        for item in manifest.files {
            XCTAssertEqual(try Backup.hashFile(into.appendingPathComponent("files").appendingPathComponent(item.name).path).sha256, item.sha256)
        }
    }

    /// A database copy damaged before its hash was taken (the manifest agrees with it) still
    /// fails the restore: the restored database gets SQLite's integrity check.
    func testARestoredDatabaseThatFailsItsIntegrityCheckFailsTheRestore() throws {
        for n in 1...40 { _ = try submitWithFile(n) }
        let manifest = try world.ledger.backup(to: target)
        let database = target.appendingPathComponent(Ledger.databaseName)
        var bytes = Array(try Data(contentsOf: database))
        let pageSize = Int(bytes[16]) << 8 | Int(bytes[17])
        XCTAssertGreaterThan(bytes.count, pageSize * 8)
        for i in (pageSize * 4)..<(pageSize * 4 + 400) { bytes[i] = 0xA5 }
        try Data(bytes).write(to: database)
        let hashed = try Backup.hashFile(database.path)
        let fixed = Backup.Manifest(format: manifest.format, version: manifest.version, created: manifest.created,
                                    database: .init(name: manifest.database.name, size: hashed.size, sha256: hashed.sha256),
                                    settings: manifest.settings, files: manifest.files, missing: manifest.missing, counts: manifest.counts)
        try Backup.writeManifest(fixed, in: target)
        XCTAssertNoThrow(try Backup.verify(target), "the hashes agree")
        XCTAssertThrowsError(try Backup.restore(from: target, into: world.root.appendingPathComponent("restored"))) { error in
            XCTAssertTrue("\(error)".contains("fails its integrity check"), "\(error)")
        }
    }

    func testTheManifestNamesNoPathOutsideTheBackup() throws {
        _ = try submitWithFile(1)
        try world.ledger.backup(to: target)
        let url = target.appendingPathComponent(Backup.manifestName)
        let text = try String(contentsOf: url, encoding: .utf8)
        let manifest = try Backup.readManifest(target)
        try text.replacingOccurrences(of: manifest.files[0].name, with: "../../etc/passwd").write(to: url, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try Backup.verify(target))
    }
}
