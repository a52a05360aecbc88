@testable import Casefile
import SQLiteDB
import TestSupport
import Vault

extension World {
    /// Test set-up that puts a case's rows in a state the ledger reaches only over months (closed
    /// 800 days ago, an approval given long ago): the SQL, then the case's seals written again
    /// from the rows, with the recovery key, as the ledger would after a change of its own.
    /// Without the second step the ledger finds the change and refuses the case (`CaseSeal`):
    /// that is what the attack tests show, so they write with plain SQL instead.
    func rewrite(_ ref: String, _ sql: String, _ arguments: [SQLValue] = []) throws {
        let recovery = RecoveryPrivateKey(recoveryKey)
        try ledger.pool.write { db in
            try db.execute(sql, arguments)
            guard let id = try db.scalar("SELECT id FROM cases WHERE ref = ?", [.text(ref)], as: Int64.self),
                  let channel = try Grants.sealedKey(db, .caseKey, caseID: id, holder: Holder.recovery),
                  case .keys(let keys) = try Grants.openCaseKeys(channel: channel,
                                                                 internal: try Grants.sealedKey(db, .internalKey, caseID: id, holder: Holder.recovery),
                                                                 ref: ref, with: recovery)
            else { throw Ledger.Problem(description: "no two-key case \(ref) to seal again") }
            try CaseSeal.write(db, caseID: id, ref: ref, keys: keys)
        }
    }
}
