import Casefile
import Foundation
import Vault

/// `candor recover` and `candor user reset`: the two halves of getting a staff member back to
/// their cases after a forgotten password. The reset makes a new key and says what was lost; the
/// recovery key, brought from offline storage, seals those cases again.
extension CandorCLI {
    static func recoverCommand(_ args: Arguments) throws -> Int32 {
        try args.rejectUnknown(commonOptions.union(["recovery-key", "to", "case", "all-assigned", "unheld", "split-keys"]))
        if args.flag("split-keys") { return try splitKeysCommand(args) }
        guard let keyFile = args.value("recovery-key"), let login = args.value("to") else {
            throw Arguments.Invalid(description: "usage: candor recover --recovery-key FILE (--to LOGIN (--case REF | --all-assigned | --unheld) | --split-keys)")
        }
        let refs: [String]?
        switch (args.value("case"), args.flag("all-assigned"), args.flag("unheld")) {
        case (let ref?, false, false): refs = [ref]
        case (nil, true, false), (nil, false, true): refs = nil
        default: throw Arguments.Invalid(description: "name one case with --case REF, every case the account is assigned to with --all-assigned, or every case no one holds with --unheld")
        }
        guard let data = FileManager.default.contents(atPath: keyFile) else {
            throw Arguments.Invalid(description: "cannot read --recovery-key \(keyFile)")
        }
        let key = try RecoveryKeyFile.decode(String(decoding: data, as: UTF8.self))
        let ledger = try openLedger(args)
        defer { try? ledger.close() }
        // --unheld: the cases sealed for the recovery key alone, given to LOGIN for intake.
        let outcomes = args.flag("unheld")
            ? try ledger.recoverUnheld(recoveryKey: RecoveryPrivateKey(key), to: login)
            : try ledger.recoverAccess(recoveryKey: RecoveryPrivateKey(key), to: login, caseRefs: refs)
        if outcomes.isEmpty { Terminal.say(args.flag("unheld") ? "No case waits for a reader." : "\(login) is assigned to no case: nothing to restore.") }
        for o in outcomes {
            let what: String
            switch o.result {
            case .restored(let identity): what = "access restored" + (identity ? ", with the reporter's identity" : "")
            case .alreadyHeld: what = "already held; nothing done"
            case .excluded: what = "REFUSED: \(login) is excluded from this case (art. 10)"
            case .notAssigned: what = "REFUSED: \(login) has no part in this case; the head designates investigators"
            case .noRecoveryGrant: what = "REFUSED: this case holds no grant for the recovery key"
            case .tampered(let checks): what = "REFUSED: the case's rows do not match its seal (" + checks.joined(separator: "; ") + "); see the audit log"
            case .givenForIntake(let identity): what = "given to \(login) for intake" + (identity ? ", with the reporter's identity" : "")
            case .notAReader: what = "REFUSED: \(login) is not a head, inspector or approver and may not take in reports"
            case .split: what = "split into a channel key and an internal key"
            }
            Terminal.say("\(o.registerNumber): \(what)")
        }
        return 0
    }

    /// `candor recover --recovery-key FILE --split-keys`: every case made before issue 14 split
    /// into its two keys now, rather than at its next staff open.
    static func splitKeysCommand(_ args: Arguments) throws -> Int32 {
        guard let keyFile = args.value("recovery-key"), let data = FileManager.default.contents(atPath: keyFile) else {
            throw Arguments.Invalid(description: "usage: candor recover --recovery-key FILE --split-keys")
        }
        let key = try RecoveryKeyFile.decode(String(decoding: data, as: UTF8.self))
        let ledger = try openLedger(args)
        defer { try? ledger.close() }
        let outcomes = try ledger.splitOldCases(recoveryKey: RecoveryPrivateKey(key))
        if outcomes.isEmpty { Terminal.say("Every case already has two keys: nothing to split.") }
        for o in outcomes {
            switch o.result {
            case .split: Terminal.say("\(o.registerNumber): split into a channel key and an internal key")
            case .tampered(let checks): Terminal.say("\(o.registerNumber): REFUSED: the case's rows do not match its seal (" + checks.joined(separator: "; ") + ")")
            default: Terminal.say("\(o.registerNumber): REFUSED: this case holds no grant for the recovery key")
            }
        }
        return outcomes.contains { $0.result != .split } ? 1 : 0
    }

    static func userResetCommand(_ ledger: Ledger, _ args: Arguments) throws -> Int32 {
        guard args.positional.count == 2 else { throw Arguments.Invalid(description: "usage: candor user reset LOGIN [--password-file FILE]") }
        let login = args.positional[1]
        let lost = try ledger.resetPassword(login: login, newPassword: try password(args, for: login), actor: "cli", commandLine: true)
        Terminal.say("Password reset for \(login). They enrol TOTP again at their next login. A server that is running keeps their open session until it idles out; disable and re-enable the account in the console to end it at once.")
        Terminal.say(Ledger.lostAccessNotice(cases: lost.count))
        if try ledger.account(login: login)?.readingPending == true { Terminal.say(awaitingNotice) }
        if !lost.isEmpty { Terminal.say("To restore it now: candor recover --recovery-key FILE --to \(login) --all-assigned") }
        return 0
    }
}
