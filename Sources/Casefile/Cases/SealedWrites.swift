import Foundation
import SQLiteDB
import Vault

/// Every change to a case goes through one of these, so that its seals (`CaseSeal`) are checked
/// before and rewritten after, inside the same transaction.
extension Ledger {
    /// A staff holder's change: refused, and audited, when the rows no longer match the seals.
    func caseWrite<R: Sendable>(_ c: StaffCase, _ body: @Sendable (Database) throws -> R) throws -> R {
        try checkedWrite(caseID: c.caseID, ref: c.ref, keys: c.keys, actor: "staff:\(c.accountID)", body)
    }

    /// The same for whoever holds both keys (a staff holder, or the operator with the recovery key).
    func checkedWrite<R: Sendable>(caseID: Int64, ref: String, keys: CaseKeys, actor: String, _ body: @Sendable (Database) throws -> R) throws -> R {
        let settings = self.settings
        do {
            return try pool.write { db in
                let failed = try CaseSeal.failures(db, caseID: caseID, ref: ref, keys: keys)
                guard failed.isEmpty else { throw CaseTampered(checks: failed) }
                let result = try body(db)
                try DueDays.refresh(db, caseID: caseID, settings: settings)
                try CaseSeal.write(db, caseID: caseID, ref: ref, keys: keys)
                return result
            }
        } catch let tampered as CaseTampered {
            try auditTampering(ref: ref, actor: actor, checks: tampered.checks)
            throw tampered
        }
    }

    /// The reporter's addition to their channel: the channel seal checked, then rewritten.
    func reporterWrite<R: Sendable>(_ reporter: ReporterCase, _ body: @Sendable (Database) throws -> R) throws -> R {
        do {
            return try pool.write { db in
                let checked = try CaseSeal.checkChannel(db, caseID: reporter.caseID, ref: reporter.ref, channel: reporter.channelKey,
                                                        required: reporter.split)
                let result = try body(db)
                if let checked {
                    try CaseSeal.writeChannel(db, caseID: reporter.caseID, ref: reporter.ref, channel: reporter.channelKey, carrying: checked)
                }
                return result
            }
        } catch let tampered as CaseTampered {
            try auditTampering(ref: reporter.ref, actor: "reporter", checks: tampered.checks)
            throw tampered
        }
    }

    /// One entry per refusal, naming the checks that failed (column and kind names, never content).
    func auditTampering(ref: String, actor: String, checks: [String]) throws {
        let (now, audit) = (clock(), self.audit)
        _ = try pool.write { db in
            try audit.append(db, actor: actor, action: "case_tampered", caseRef: ref, detail: checks.joined(separator: "; "), at: now)
        }
    }

    /// Seals one piece under the key its kind belongs to and stores it, with `then` in the same
    /// checked write.
    func addBlob(_ c: StaffCase, kind: BlobKind, plaintext: [UInt8], then: (@Sendable (Database) throws -> Void)? = nil) throws {
        let blob = try sealedBlob(c, kind, plaintext)
        let (caseID, author, day) = (c.caseID, "staff:\(c.accountID)", Int64(today.ordinal))
        try caseWrite(c) { db in
            try Ledger.insertBlob(db, caseID: caseID, kind: kind, blob: blob, author: author, day: day)
            try then?(db)
        }
    }

    /// A piece sealed for `c`, ready to insert.
    func sealedBlob(_ c: StaffCase, _ kind: BlobKind, _ plaintext: [UInt8]) throws -> (slot: String, sealed: [UInt8]) {
        let slot = try CaseCrypto.newSlot()
        return (slot, try CaseCrypto.seal(plaintext, keys: c.keys, ref: c.ref, kind: kind, slot: slot))
    }
}
