import Casefile
import Foundation
import Glibc
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
        printer.finish(bytes: manifest.database.size + manifest.counts.fileBytes, items: manifest.files.count, noun: "files")
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
        let printer = ProgressPrinter()
        let manifest = try Backup.restore(from: source, into: data, progress: printer.report)
        printer.finish(bytes: manifest.database.size + manifest.counts.fileBytes, items: manifest.files.count, noun: "files")
        Terminal.say("Verified every SHA-256 in \(Backup.manifestName) (backup of \(manifest.created)) and restored \(manifest.files.count) files into \(data.path); the database passes its integrity check.")
        let ledger: Ledger
        do { ledger = try openLedger(args) } catch {
            Terminal.warn("The data is restored, but it does not open with the key folder given: \(error)")
            return 1
        }
        defer { try? ledger.close() }
        // Backup.restore ran the database's integrity check while it copied the files.
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

/// One progress line on a terminal, rewritten in place at most five times a second; nothing
/// when the output is not a terminal (a log or a pipe gets the result lines only). `finish`
/// prints the throughput either way.
final class ProgressPrinter: Sendable {
    private struct State {
        var lastDraw: TimeInterval = 0
        var drew = false
    }
    private let state = Mutex(State())
    let started = Date()
    let terminal: Bool
    private let output: @Sendable (String) -> Void

    init(terminal: Bool = isatty(STDOUT_FILENO) == 1,
         output: @escaping @Sendable (String) -> Void = { FileHandle.standardOutput.write(Data($0.utf8)) }) {
        self.terminal = terminal
        self.output = output
    }

    func report(_ progress: Backup.Progress) {
        switch progress {
        case .databasePages(let done, let total):
            draw("database: \(done)/\(total) pages", final: done == total)
        case .files(let done, let total, let bytesDone, let totalBytes):
            draw("files: \(done)/\(total), \(Self.size(bytesDone)) of \(Self.size(totalBytes))", final: done == total)
        }
    }

    /// The line, if on a terminal and the last one was drawn long enough ago (or this is the last).
    func draw(_ line: String, final: Bool = false) {
        guard terminal else { return }
        let now = Date().timeIntervalSince(started)
        let due = state.withLock { s -> Bool in
            guard final || now - s.lastDraw >= 0.2 else { return false }
            s.lastDraw = now
            s.drew = true
            return true
        }
        if due { output("\r\u{1B}[K" + line) }
    }

    /// Ends the progress line and prints how fast the work went.
    func finish(bytes: Int64, items: Int, noun: String) {
        if state.withLock({ $0.drew }) { output("\n") }
        let seconds = max(Date().timeIntervalSince(started), 0.001)
        output(String(format: "throughput: %@ in %.1f s, %.1f MiB/s, %.0f %@/s\n", Self.size(bytes), seconds,
                      Double(bytes) / 1_048_576 / seconds, Double(items) / seconds, noun))
    }

    static func size(_ bytes: Int64) -> String {
        bytes >= 1 << 20 ? String(format: "%.1f MiB", Double(bytes) / 1_048_576) : "\(bytes) bytes"
    }
}
