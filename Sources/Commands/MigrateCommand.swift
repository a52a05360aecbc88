import Casefile
import Foundation

/// `candor migrate --dry-run`: which schema migrations the next start would run, read from the
/// database without changing it; `candor migrate`: runs them now (as `serve` would at start),
/// so an upgrade can be done and checked before the service comes back.
extension CandorCLI {
    static func migrateCommand(_ args: Arguments) throws -> Int32 {
        try args.rejectUnknown(commonOptions.union(["dry-run"]))
        let (data, _, _) = folders(args)
        let pending = try Ledger.pendingMigrations(dataFolder: data)
        if args.flag("dry-run") {
            Terminal.say(pending.isEmpty ? "the schema is current (\(Ledger.knownMigrations.count) migrations applied); nothing would run"
                         : "would run \(pending.count) migration(s), each in its own transaction:\n  " + pending.joined(separator: "\n  "))
            return 0
        }
        let ledger = try openLedger(args)
        try ledger.close()
        Terminal.say(pending.isEmpty ? "the schema was already current" : "ran " + pending.joined(separator: ", "))
        return 0
    }
}
