import Casefile
import Foundation
import Vault

/// `candor recovery rotate --old-key FILE --out NEWFILE`: retires the recovery key. The new
/// private key is written to NEWFILE (which must not exist) before anything else changes, so no
/// outcome leaves the installation with a recovery key nobody holds.
extension CandorCLI {
    static func recoveryCommand(_ args: Arguments) throws -> Int32 {
        try args.rejectUnknown(commonOptions.union(["old-key", "out"]))
        guard args.positional.first == "rotate", let oldFile = args.value("old-key"), let out = args.value("out") else {
            throw Arguments.Invalid(description: "usage: candor recovery rotate --old-key FILE --out NEWFILE   (stop the server first)")
        }
        guard let data = FileManager.default.contents(atPath: oldFile) else {
            throw Arguments.Invalid(description: "cannot read --old-key \(oldFile)")
        }
        let old = RecoveryPrivateKey(try RecoveryKeyFile.decode(String(decoding: data, as: UTF8.self)))
        let ledger = try openLedger(args)
        defer { try? ledger.close() }
        let new = try X25519PrivateKey()
        try RecoveryKeyFile.writeNew(RecoveryKeyFile.encode(new), to: out)
        do {
            let done = try ledger.rotateRecoveryKey(old: old, to: new.publicKey)
            Terminal.say("""
                Re-sealed \(done.grants) recovery grants of \(done.cases) cases to the new recovery key, written to \(out).
                \(folders(args).keys.path)/recovery.pub now holds its public half. Move \(out) offline now (two copies),
                then destroy every copy of the old key \(oldFile). Backups taken before now still open with the old key.
                """)
            return 0
        } catch {
            // Nothing changed: the new key is useless, so it does not linger.
            unlink(out)
            throw error
        }
    }
}
