import Foundation
import Glibc

extension CandorCLI {
    static func purgeCommand(_ args: Arguments) throws -> Int32 {
        try args.rejectUnknown(commonOptions.union(["dry-run", "yes"]))
        let dryRun = args.flag("dry-run"), confirmed = args.flag("yes")
        guard dryRun != confirmed else {
            throw Arguments.Invalid(description: "usage: candor purge --dry-run (list what is due) | candor purge --yes (purge it)")
        }
        let ledger = try openLedger(args)
        defer { try? ledger.close() }
        let due = try ledger.purgeCandidates(today: ledger.today)
        if due.isEmpty {
            Terminal.say("No closed case has reached the end of its retention period.")
            return 0
        }
        if dryRun {
            Terminal.say("register no.\tclosed\tpurge day")
            for c in due { Terminal.say("\(c.registerNumber)\t\(c.closedOn)\t\(c.purgeOn)") }
            Terminal.say("\(due.count) case(s) would be purged. Nothing was changed; run `candor purge --yes` to purge them.")
            return 0
        }
        var failed = 0
        var fileBytes: Int64 = 0
        // On a terminal one progress line; in a log or a pipe one line per case, as a record.
        let printer = ProgressPrinter()
        ledger.purge(due.map(\.ref), actor: "cli:purge") { i, outcome in
            let c = due[i]
            switch outcome {
            case .success(let done):
                fileBytes += done.fileBytes
                printer.draw("purged \(i + 1)/\(due.count)", final: i + 1 == due.count)
                if !printer.terminal {
                    Terminal.say("purged \(done.registerNumber) (closed \(c.closedOn)): \(done.blobs) sealed items, \(done.files) files")
                }
            case .failure(let error):
                // A hold placed since the listing wins; the others still go.
                Terminal.warn("not purged \(c.registerNumber): \(error)")
                failed += 1
            }
        }
        printer.finish(bytes: fileBytes, items: due.count - failed, noun: "cases")
        Terminal.say("\(due.count - failed) case(s) purged; their register rows remain as tombstones. Backups made before today still hold them until those backups are destroyed.")
        return failed == 0 ? 0 : 1
    }
}
