import Casefile
import Foundation

/// `candor audit verify [--checkpoint FILE]` and `candor audit checkpoint [--out FILE]`.
///
/// The chain proves that no entry was changed, removed or inserted, but not that the newest
/// entries are all there: whoever holds the database can cut the tail off and leave a valid,
/// shorter chain. A checkpoint kept outside the server (printed, mailed, in another system) is
/// what finds that, so verify prints the count and head for an operator to compare by eye, and
/// takes a checkpoint to compare by machine.
extension CandorCLI {
    static func auditCommand(_ args: Arguments) throws -> Int32 {
        let usage = "usage: candor audit verify [--checkpoint FILE] | candor audit checkpoint [--out FILE] | candor audit rotate"
        switch args.positional {
        case ["verify"]:
            try args.rejectUnknown(commonOptions.union(["checkpoint"]))
            return try auditVerify(args)
        case ["checkpoint"]:
            try args.rejectUnknown(commonOptions.union(["out"]))
            return try auditCheckpoint(args)
        case ["rotate"]:
            try args.rejectUnknown(commonOptions)
            return try auditRotate(args)
        default:
            throw Arguments.Invalid(description: usage)
        }
    }

    static func auditVerify(_ args: Arguments) throws -> Int32 {
        // The file is read before the database is opened: a wrong path is the operator's error, not a break.
        let text = try args.value("checkpoint").map { path -> String in
            guard let data = FileManager.default.contents(atPath: path) else { throw Arguments.Invalid(description: "cannot read the checkpoint file \(path)") }
            return String(decoding: data, as: UTF8.self)
        }
        let ledger = try openLedger(args)
        defer { try? ledger.close() }
        guard let text else { return try auditVerifyByEye(ledger) }
        let checkpoint: AuditCheckpoint
        do {
            checkpoint = try ledger.readAuditCheckpoint(text)
        } catch let damaged as AuditCheckpoint.Damaged {
            Terminal.warn("CHECKPOINT REFUSED: \(damaged); nothing was concluded about the log")
            return 1
        }
        switch try ledger.verifyAudit(against: checkpoint) {
        case .success(let count):
            Terminal.say("audit log intact: \(count) entries, chain verified, and entry \(checkpoint.count) is the one the checkpoint recorded")
            return 0
        case .failure(let broken):
            Terminal.warn("AUDIT LOG BROKEN: \(broken)")
            return 1
        }
    }

    static func auditVerifyByEye(_ ledger: Ledger) throws -> Int32 {
        let checkpoint: AuditCheckpoint
        do {
            checkpoint = try ledger.auditCheckpoint()
        } catch let broken as AuditLog.Break {
            Terminal.warn("AUDIT LOG BROKEN: \(broken)")
            return 1
        }
        Terminal.say("""
            audit log intact: \(checkpoint.count) entries, chain verified
            head (MAC of entry \(checkpoint.count)): \(hex(checkpoint.head))
            The chain cannot show that its newest entries were cut off: compare this count and head \
            with a checkpoint kept outside the server (the count must not be lower, and the checkpoint's \
            entry must still have its MAC), or run `candor audit verify --checkpoint FILE`.
            """)
        return 0
    }

    static func auditCheckpoint(_ args: Arguments) throws -> Int32 {
        let ledger = try openLedger(args)
        defer { try? ledger.close() }
        let checkpoint: AuditCheckpoint
        do {
            checkpoint = try ledger.auditCheckpoint()
        } catch let broken as AuditLog.Break {
            Terminal.warn("AUDIT LOG BROKEN, no checkpoint taken: \(broken)")
            return 1
        }
        if let out = args.value("out") {
            // Never over an older checkpoint: a log cut since is found only by the older one.
            guard !FileManager.default.fileExists(atPath: out) else {
                throw Arguments.Invalid(description: "\(out) exists; a checkpoint never replaces an older one (keep both, under another name)")
            }
            try Data((checkpoint.line + "\n").utf8).write(to: URL(fileURLWithPath: out), options: .withoutOverwriting)
        }
        Terminal.say(checkpoint.line)
        return 0
    }

    /// `candor audit rotate` (AuditKeyRotation.swift): with the server stopped.
    static func auditRotate(_ args: Arguments) throws -> Int32 {
        let ledger = try openLedger(args)
        defer { try? ledger.close() }
        let done = try ledger.rotateAuditKey()
        Terminal.say("""
            Audit key rotated at entry \(done.entry) (audit_key_rotated next_key=\(done.newKeyID)); \(done.accountsResealed) accounts' roster seals re-made under the new key.
            The old key is kept as \(folders(args).keys.path)/audit.key.retired-N: verify needs it for the entries before the rotation. Back up Keys/ now,
            and take a new checkpoint (candor audit checkpoint): older checkpoints still verify.
            """)
        return 0
    }
}
