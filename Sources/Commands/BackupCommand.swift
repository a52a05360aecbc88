import Casefile
import Foundation
import Synchronization

extension CandorCLI {
    static let keysWarning = """
        The key folder is NOT in this backup. Back it up separately, to a different place (offline, \
        a safe): a backup holds only ciphertext, and keeping the pepper and the audit key apart from it \
        means that whoever takes the backup cannot attack tracking codes offline or re-chain the audit \
        log. Without the key folder a backup cannot be opened by tracking codes or verified.
        """

    static func backupCommand(_ args: Arguments) throws -> Int32 {
        try args.rejectUnknown(commonOptions)
        guard args.positional.count == 1 else { throw Arguments.Invalid(description: "usage: candor backup DIR (a new or empty folder)") }
        let target = URL(fileURLWithPath: args.positional[0])
        let ledger = try openLedger(args)
        defer { try? ledger.close() }
        let settings = folders(args).settings
        let printer = ProgressPrinter()
        let manifest = try ledger.backup(to: target, settingsFile: FileManager.default.fileExists(atPath: settings.path) ? settings : nil,
                                         progress: printer.report)
        Terminal.say("Backed up \(manifest.counts.cases) cases and \(manifest.files.count) files (\(ProgressPrinter.size(manifest.counts.fileBytes))) into \(target.path); \(Backup.manifestName) written last.")
        for name in manifest.missing {
            Terminal.warn("note: file \(name) was deleted by a purge after the database snapshot; its case is purged, so the backup does not need it.")
        }
        Terminal.say(keysWarning)
        return 0
    }

    static func restoreCommand(_ args: Arguments) throws -> Int32 {
        try args.rejectUnknown(commonOptions)
        guard args.positional.count == 1 else { throw Arguments.Invalid(description: "usage: candor restore DIR --data NEW_DATA_DIR --keys KEYS_DIR") }
        let source = URL(fileURLWithPath: args.positional[0])
        let data = folders(args).data
        let manifest = try Backup.restore(from: source, into: data, progress: ProgressPrinter().report)
        Terminal.say("Verified every SHA-256 in \(Backup.manifestName) (backup of \(manifest.created)) and restored \(manifest.files.count) files into \(data.path).")
        let ledger: Ledger
        do { ledger = try openLedger(args) } catch {
            Terminal.warn("The data is restored, but it does not open with the key folder given: \(error)")
            return 1
        }
        defer { try? ledger.close() }
        let problems = try ledger.integrityCheck()
        guard problems.isEmpty else {
            Terminal.warn("The restored database fails its integrity check: \(problems.prefix(3).joined(separator: "; "))")
            return 1
        }
        switch try ledger.verifyAudit() {
        case .success(let count):
            Terminal.say("The key folder matches this data and the audit log verifies (\(count) entries). Restore complete: start with `candor serve`.")
            return 0
        case .failure(let broken):
            Terminal.warn("The key folder matches, but the audit log does not verify with its audit key: \(broken)")
            return 1
        }
    }
}

/// Prints progress only for large data, every tenth of the way, so small backups stay quiet.
final class ProgressPrinter: Sendable {
    private let lastTenth = Mutex<[String: Int]>([:])
    static let largePages = 2_560
    static let largeBytes: Int64 = 64 << 20
    static let largeFileCount = 500

    func report(_ progress: Backup.Progress) {
        switch progress {
        case .databasePages(let done, let total):
            guard total >= Self.largePages, advanced("db", done: Int64(done), total: Int64(total)) else { return }
            Terminal.say("database: \(done)/\(total) pages")
        case .files(let done, let total, let bytesDone, let totalBytes):
            guard totalBytes >= Self.largeBytes || total >= Self.largeFileCount else { return }
            let moved = totalBytes >= Self.largeBytes ? advanced("files", done: bytesDone, total: totalBytes)
                                                       : advanced("files", done: Int64(done), total: Int64(total))
            guard moved else { return }
            Terminal.say("files: \(done)/\(total), \(Self.size(bytesDone)) of \(Self.size(totalBytes))")
        }
    }

    private func advanced(_ key: String, done: Int64, total: Int64) -> Bool {
        let tenth = total > 0 ? Int(done * 10 / total) : 10
        return lastTenth.withLock { seen in
            guard tenth > (seen[key] ?? 0) else { return false }
            seen[key] = tenth
            return true
        }
    }

    static func size(_ bytes: Int64) -> String {
        bytes >= 1 << 20 ? String(format: "%.1f MiB", Double(bytes) / 1_048_576) : "\(bytes) bytes"
    }
}
