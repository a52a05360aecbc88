import Casework
import Foundation
import SQLiteDB
import Vault

/// Restoring access with the organisation's offline recovery key (DESIGN.md, "Recovery key"):
/// every case key is also sealed for it, so the operator can re-seal a case for a staff member
/// who lost their key. The same limits as a re-grant: only for someone already assigned to the
/// case, never for someone excluded from it (art. 10).
extension Ledger {
    /// What `recoverAccess` did for one case: restored (with or without the identity key), or why not.
    public struct RecoveryOutcome: Sendable, Equatable {
        public enum Result: Sendable, Equatable {
            case restored(identity: Bool)
            case alreadyHeld
            case excluded
            case notAssigned
            /// The case has no grant for the recovery key (should not happen; it is sealed at intake).
            case noRecoveryGrant
            /// An unheld case given to the account for intake (`recoverUnheld`).
            case givenForIntake(identity: Bool)
            /// The account's role may not take intake (only a head, an inspector or an approver may).
            case notAReader
            /// The case's rows do not match its seals (`CaseSeal`): nothing was given; the checks
            /// that failed, as audited.
            case tampered([String])
            /// A case made before it had two keys, split with the recovery key (`splitOldCases`).
            case split
        }
        public let ref: String
        public let registerNumber: RegisterNumber
        public let result: Result
    }

    /// Restores an account's grants from the recovery key (`candor recover`), only for cases it is assigned to
    /// and never for one it is excluded from; refuses a recovery key that is not this installation's. Each
    /// restore or refusal is audited.
    ///
    /// - Parameter caseRefs: the cases to restore; nil for every case the account is assigned to.
    public func recoverAccess(recoveryKey: RecoveryPrivateKey, to login: String, caseRefs: [String]?,
                              actor: String = "cli:recover") throws -> [RecoveryOutcome] {
        guard recoveryKey.publicKey == keys.recoveryPublicKey else {
            throw Problem(description: "this recovery key does not belong to this installation: its public half differs from \(keys.url.appendingPathComponent(KeyFolder.recoveryPublicFile).path). Use the recovery key `candor init` printed for this installation.")
        }
        guard let account = try account(login: login) else { throw Problem(description: "no account with the login '\(login)'") }
        guard !account.disabled else { throw Problem(description: "\(login) is disabled: enable it first (candor user enable \(login))") }
        let accountID = account.id
        let rows: [Row] = try pool.read { db in
            if let caseRefs {
                return try caseRefs.map { ref in
                    guard let row = try db.queryOne("SELECT \(CaseRow.columns()) FROM cases WHERE ref = ?", [.text(ref)]) else {
                        throw Problem(description: "no case with the reference \(ref)")
                    }
                    return row
                }
            }
            return try db.query("""
                SELECT \(CaseRow.columns()) FROM cases
                WHERE id IN (SELECT case_id FROM assignments WHERE account_id = ?) ORDER BY id
                """, [.integer(accountID)])
        }
        return try rows.map { row in
            let c = try CaseRow(row: row)
            let result = try recover(caseID: c.id, ref: c.ref, realName: c.realName, confidential: c.confidential,
                                     account: account, recoveryKey: recoveryKey, actor: actor)
            return RecoveryOutcome(ref: c.ref, registerNumber: c.registerNumber, result: result)
        }
    }

    private func recover(caseID: Int64, ref: String, realName: Bool, confidential: Bool, account: Account,
                         recoveryKey: RecoveryPrivateKey, actor: String) throws -> RecoveryOutcome.Result {
        let accountID = account.id
        let holder = Holder.account(accountID)
        let found = try pool.read { db in
            (identityRecovery: try Grants.sealedKey(db, .identity, caseID: caseID, holder: Holder.recovery),
             assigned: try db.queryOne("SELECT 1 FROM assignments WHERE case_id = ? AND account_id = ?", [.integer(caseID), .integer(accountID)]) != nil,
             holds: try Grants.sealedKey(db, .caseKey, caseID: caseID, holder: holder) != nil)
        }
        let caseKeys: CaseKeys
        switch try recoveryKeys(caseID: caseID, ref: ref, recoveryKey: recoveryKey, actor: actor) {
        case .success(let keys): caseKeys = keys
        case .failure(let stop): return stop.result
        }
        try sealLegacyPlaintext(caseID: caseID, ref: ref, keys: caseKeys, actor: actor)
        let (separation, entitled) = try pool.read { db in
            (try Ledger.separation(db, caseID: caseID, ref: ref, keys: caseKeys),
             try Ledger.entitledToIdentity(db, caseID: caseID, ref: ref, key: caseKeys, accountID: accountID, confidential: confidential))
        }

        let now = clock()
        let audit = self.audit
        guard let cleared = try? separation.clear(account) else {
            _ = try pool.write { db in
                // Neither the account nor the reason beside the case (see `regrant`).
                try audit.append(db, actor: actor, action: "recovery_regrant_refused", caseRef: ref, detail: "", at: now)
            }
            return .excluded
        }
        guard found.assigned else { return .notAssigned }
        guard !found.holds else { return .alreadyHeld }
        let sealed = try Grants.seal(caseKeys, ref: ref, for: account, cleared: cleared)
        var sealedIdentity: Grants.Sealed?
        if realName, entitled, let identityRecovery = found.identityRecovery {
            let identityKey = try Grants.openIdentityKey(identityRecovery, ref: ref, with: recoveryKey)
            sealedIdentity = try Grants.seal(identityKey, ref: ref, for: account, cleared: cleared)
        }
        let identity = sealedIdentity
        try pool.write { db in
            for grant in sealed { try Grants.store(db, grant, caseID: caseID) }
            if let identity { try Grants.store(db, identity, caseID: caseID) }
            try audit.append(db, actor: actor, action: "recovery_regrant", caseRef: ref,
                             detail: "account=\(accountID) identity=\(identity == nil ? 0 : 1)", at: now)
        }
        return .restored(identity: identity != nil)
    }

    /// How many cases no staff account holds or was ever given: sealed at intake for the
    /// recovery key alone because the reporter's exclusions left no reader (`intakePlan` nil).
    /// Heads and seat holders see the count on their inbox, never which cases, and ask the
    /// operator to run `candor recover --unheld`.
    public func unheldCaseCount() throws -> Int {
        try pool.read { db in
            // The candidates the triggers keep (migration 0015), each checked in full; CROSS JOIN
            // keeps SQLite reading them first, not every case.
            try db.required("SELECT count(*) AS n FROM unheld_candidates u CROSS JOIN cases ON cases.id = u.case_id WHERE \(Ledger.unheld)",
                            as: Int.self, column: "n", table: CaseRow.table)
        }
    }

    /// Cases no one holds that the console's count does not see (`unheld_candidates` edited by
    /// hand): reads every case, so `candor check` runs it, never a page.
    public func unheldCasesMissingFromCount() throws -> Int {
        try pool.read { db in
            try db.required("""
                SELECT count(*) AS n FROM cases WHERE \(Ledger.unheld)
                AND NOT EXISTS (SELECT 1 FROM unheld_candidates u WHERE u.case_id = cases.id)
                """, as: Int.self, column: "n", table: CaseRow.table)
        }
    }

    static let unheld = """
        NOT EXISTS (SELECT 1 FROM assignments a WHERE a.case_id = cases.id)
        AND EXISTS (SELECT 1 FROM grants g WHERE g.case_id = cases.id AND g.holder = '\(Holder.recovery)')
        """

    /// Gives every unheld case the account is not excluded from to it for intake
    /// (`candor recover --unheld --to LOGIN`): the case and identity keys sealed through `Grants`
    /// from the recovery key, an `intake` assignment, an audit entry per case. Only an account
    /// that may read reports (head, inspector, approver) can receive them; never admin or auditor.
    public func recoverUnheld(recoveryKey: RecoveryPrivateKey, to login: String, actor: String = "cli:recover") throws -> [RecoveryOutcome] {
        guard recoveryKey.publicKey == keys.recoveryPublicKey else {
            throw Problem(description: "this recovery key does not belong to this installation. Use the recovery key `candor init` printed for this installation.")
        }
        guard let account = try account(login: login) else { throw Problem(description: "no account with the login '\(login)'") }
        guard !account.disabled else { throw Problem(description: "\(login) is disabled: enable it first (candor user enable \(login))") }
        let rows = try pool.read { db in
            try db.query("SELECT \(CaseRow.columns()) FROM cases WHERE \(Ledger.unheld) ORDER BY id").map(CaseRow.init(row:))
        }
        return try rows.map { c in
            guard account.role == .head || Alternates.mayStandIn(account.role, forIntake: true) else {
                return RecoveryOutcome(ref: c.ref, registerNumber: c.registerNumber, result: .notAReader)
            }
            let result = try giveForIntake(caseID: c.id, ref: c.ref, realName: c.realName, account: account,
                                           recoveryKey: recoveryKey, actor: actor)
            return RecoveryOutcome(ref: c.ref, registerNumber: c.registerNumber, result: result)
        }
    }

    private func giveForIntake(caseID: Int64, ref: String, realName: Bool, account: Account,
                               recoveryKey: RecoveryPrivateKey, actor: String) throws -> RecoveryOutcome.Result {
        let found = try pool.read { db in (identity: try Grants.sealedKey(db, .identity, caseID: caseID, holder: Holder.recovery), ()) }
        let caseKeys: CaseKeys
        switch try recoveryKeys(caseID: caseID, ref: ref, recoveryKey: recoveryKey, actor: actor) {
        case .success(let keys): caseKeys = keys
        case .failure(let stop): return stop.result
        }
        // Art. 10 at this grant too: the sealed list re-matched against the account as it is now.
        let separation = try pool.read { db in try Ledger.separation(db, caseID: caseID, ref: ref, keys: caseKeys) }
        let now = clock()
        let audit = self.audit
        let cleared: GrantClearance
        do {
            cleared = try separation.clear(account)
        } catch is Excluded {
            // The same refusal line as any other (no account, no reason beside the case).
            _ = try pool.write { db in try audit.append(db, actor: actor, action: "recovery_regrant_refused", caseRef: ref, detail: "", at: now) }
            return .excluded
        }
        var grants = try Grants.seal(caseKeys, ref: ref, for: account, cleared: cleared)
        if realName, let identity = found.identity {
            grants.append(try Grants.seal(try Grants.openIdentityKey(identity, ref: ref, with: recoveryKey), ref: ref, for: account,
                                          cleared: cleared))
        }
        let sealed = grants
        let notify = notifying
        try checkedWrite(caseID: caseID, ref: ref, keys: caseKeys, actor: actor) { db in
            // Re-checked inside the transaction: two operators giving the same case at once give it once.
            guard try db.queryOne("SELECT 1 FROM assignments WHERE case_id = ?", [.integer(caseID)]) == nil else { return }
            for grant in sealed { try Grants.store(db, grant, caseID: caseID) }
            try db.execute("INSERT INTO assignments(case_id, account_id, capacity) VALUES (?, ?, 'intake')", [.integer(caseID), .integer(account.id)])
            if notify { try Outbox.enqueue(db, accounts: [account.id], at: now) }
            try audit.append(db, actor: actor, action: "recovery_intake", caseRef: ref,
                             detail: "account=\(account.id) identity=\(sealed.count > 2 ? 1 : 0)", at: now)
        }
        return .givenForIntake(identity: sealed.count > 2)
    }

    /// `candor recover --split-keys`: splits every case made before it had two keys (KeySplit.swift)
    /// with the recovery key, instead of waiting for each to be opened by a holder. Each split and
    /// each refusal is audited; a case already split is left alone.
    public func splitOldCases(recoveryKey: RecoveryPrivateKey, actor: String = "cli:recover") throws -> [RecoveryOutcome] {
        guard recoveryKey.publicKey == keys.recoveryPublicKey else {
            throw Problem(description: "this recovery key does not belong to this installation. Use the recovery key `candor init` printed for this installation.")
        }
        let rows = try pool.read { db in
            try db.query("""
                SELECT \(CaseRow.columns()) FROM cases WHERE purged_day IS NULL
                AND NOT EXISTS (SELECT 1 FROM internal_grants i WHERE i.case_id = cases.id) ORDER BY id
                """).map(CaseRow.init(row:))
        }
        return try rows.map { c in
            let result: RecoveryOutcome.Result
            switch try recoveryKeys(caseID: c.id, ref: c.ref, recoveryKey: recoveryKey, actor: actor) {
            case .success(let keys):
                // And the old plaintext rows of the case sealed and cleared (LegacyPlaintext.swift).
                try sealLegacyPlaintext(caseID: c.id, ref: c.ref, keys: keys, actor: actor)
                result = .split
            case .failure(let stop): result = stop.result
            }
            return RecoveryOutcome(ref: c.ref, registerNumber: c.registerNumber, result: result)
        }
    }

    /// Both keys of a case from the recovery key's grants, the case split first if it is old, and
    /// its seals checked; or the outcome that stops the recovery of this case.
    func recoveryKeys(caseID: Int64, ref: String, recoveryKey: RecoveryPrivateKey,
                              actor: String) throws -> Result<CaseKeys, RecoveryOutcome.ResultError> {
        let sealed = try pool.read { db in
            (channel: try Grants.sealedKey(db, .caseKey, caseID: caseID, holder: Holder.recovery),
             internal: try Grants.sealedKey(db, .internalKey, caseID: caseID, holder: Holder.recovery))
        }
        guard let channel = sealed.channel else { return .failure(.init(.noRecoveryGrant)) }
        let opened: OpenedKeys?
        do {
            opened = try finish(try Grants.openCaseKeys(channel: channel, internal: sealed.internal, ref: ref, with: recoveryKey),
                                caseID: caseID, ref: ref, actor: actor)
        } catch is Grants.InternalGrantMissing {
            opened = .tampered(["internal grant: missing or does not open"])
        }
        switch opened {
        case .opened(let keys):
            let failed = try pool.read { db in try CaseSeal.failures(db, caseID: caseID, ref: ref, keys: keys) }
            guard failed.isEmpty else {
                try auditTampering(ref: ref, actor: actor, checks: failed)
                return .failure(.init(.tampered(failed)))
            }
            return .success(keys)
        case .splitElsewhere: return try recoveryKeys(caseID: caseID, ref: ref, recoveryKey: recoveryKey, actor: actor)
        case .tampered(let checks):
            try auditTampering(ref: ref, actor: actor, checks: checks)
            return .failure(.init(.tampered(checks)))
        case .none: return .failure(.init(.noRecoveryGrant))
        }
    }
}

extension Ledger.RecoveryOutcome {
    /// A `Result` as the failure side of a `Swift.Result`.
    struct ResultError: Error {
        let result: Result
        init(_ result: Result) { self.result = result }
    }
}
