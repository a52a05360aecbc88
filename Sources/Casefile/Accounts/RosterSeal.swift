import Foundation
import SQLiteDB
import Vault

/// Keys decide who reads a case, but the roster decides whom intake, seating, designation and
/// recovery seal keys for: an account row that a database writer inserts (their own public key,
/// role head) or changes (`reading_pending` 1 → 0, `role`, `disabled`, a new public key) would be
/// sealed for at the next report. So each account's roster-relevant columns carry an HMAC under a
/// key derived from the audit key, which lives in `Keys/`, never in the database: a row the ledger
/// did not write fails it, and such an account holds no new grant (`Grants.refusal`), opens no
/// case it held, cannot log in or use a token, and is left out of every roster; each refusal is
/// audited (`account_tampered`).
///
/// Databases from before the seal are sealed once, by the run that adds the column (trust on first
/// use, in the upgrade itself; Ledger.init). A database writer cannot make that run again: the
/// migration would fail on its own tables.
extension AuditLog {
    /// The columns the seal binds: who an account is and what it may read.
    static let rosterColumns = ["id", "login", "display_name", "employee_id", "post", "role", "seat", "public_key",
                                "reading_pending", "disabled"]

    private func rosterKey() throws -> SecureBytes {
        try HKDF.sha256(ikm: key, salt: [], info: Array("candor/roster-seal/v1".utf8), outputCount: 32)
    }

    private func rosterMAC(_ row: Row) throws -> [UInt8] {
        var message = Array("candor/roster/v1".utf8)
        for name in AuditLog.rosterColumns {
            let field: [UInt8]
            switch try row.value(named: name) {
            case .null: field = [0]
            case .integer(let n): field = [1] + Array(String(n).utf8)
            case .real(let x): field = [2] + Array(String(x).utf8)
            case .text(let t): field = [3] + Array(t.utf8)
            case .blob(let b): field = [4] + b
            }
            message += withUnsafeBytes(of: UInt32(field.count).bigEndian, Array.init) + field
        }
        return try HMAC.sha256(key: try rosterKey(), message: message)
    }

    private static var rosterSelect: String { rosterColumns.joined(separator: ", ") + ", roster_mac" }

    /// Seals an account's row as it now is: the last step of every change the ledger makes to it.
    func sealAccount(_ db: Database, _ accountID: Int64) throws {
        guard let row = try db.queryOne("SELECT \(AuditLog.rosterSelect) FROM accounts WHERE id = ?", [.integer(accountID)]) else { return }
        try db.execute("UPDATE accounts SET roster_mac = ? WHERE id = ?", [.blob(try rosterMAC(row)), .integer(accountID)])
    }

    /// Whether an account's row is as the ledger last wrote it.
    func accountSealHolds(_ db: Database, _ accountID: Int64) throws -> Bool {
        guard let row = try db.queryOne("SELECT \(AuditLog.rosterSelect) FROM accounts WHERE id = ?", [.integer(accountID)]),
              let stored = try row.blob("roster_mac") else { return false }
        return ConstantTime.equals(stored, try rosterMAC(row))
    }

    /// Refuses a change to an account whose row already fails its seal: sealing it again would
    /// make a database writer's change the ledger's own.
    func requireAccountSeal(_ db: Database, _ accountID: Int64) throws {
        guard try accountSealHolds(db, accountID) else {
            throw Ledger.ActionRefused(description: "This account's record was changed outside Candor (its seal does not hold): nothing was done. Restore it from a backup, and check who can write to the database.")
        }
    }

    /// The ids of every account whose row fails its seal.
    func unsealedAccounts(_ db: Database) throws -> Set<Int64> {
        var failed: Set<Int64> = []
        for row in try db.query("SELECT \(AuditLog.rosterSelect) FROM accounts") {
            let id = try row.required(Int64.self, "id", table: "accounts")
            guard let stored = try row.blob("roster_mac"), ConstantTime.equals(stored, try rosterMAC(row)) else {
                failed.insert(id)
                continue
            }
        }
        return failed
    }

    /// The upgrade's one-time seal of every account (see above).
    func sealEveryAccount(_ db: Database) throws {
        for id in try db.query("SELECT id FROM accounts").map({ try $0.required(Int64.self, "id", table: "accounts") }) {
            try sealAccount(db, id)
        }
    }
}

extension Ledger {
    /// An account whose row failed its seal was refused something: one audit entry, naming the
    /// account (an id, not a person) and what was refused.
    func auditAccountTampering(_ accountID: Int64, refused what: String) throws {
        let (now, audit) = (clock(), self.audit)
        _ = try pool.write { db in
            try audit.append(db, actor: "system", action: "account_tampered", detail: "account=\(accountID) refused=\(what)", at: now)
        }
    }
}
