import SQLiteDB
import Vault

/// Every grant of the ledger is sealed, opened, stored and read here and nowhere else: the case
/// key and a real-name reporter's identity key, for a staff account, for the recovery key, and
/// (the case key only) for the reporter. `GrantsTests` fails if `SealedBox` or a grant context
/// is used for a grant anywhere else in Casefile.
///
/// This is the one choke point for who may hold a key, so the rules no caller may forget are
/// here: admin and auditor accounts never hold a grant, nor does an account whose reading power
/// awaits a second person's confirmation (`refusal(for:)`), whatever the caller was told.
/// Art. 10 is applied here by type: a staff account's seal takes a `GrantClearance`, which only
/// the separation check (SeparationCheck.swift) can make.
///
/// The context strings bind the case's reference and the holder, so a grant copied to another
/// case or holder does not open. They and the sealed bytes are those the ledger has always
/// written: existing databases and backups open unchanged (BackupTests' committed samples).
enum Grants {
    /// Which table a grant lives in.
    enum Table: String, Sendable {
        /// The case key sealed for a holder.
        case caseKey = "grants"
        /// A real-name reporter's identity key sealed for a holder.
        case identity = "identity_grants"
    }

    /// A sealed key and who holds it, ready to store.
    struct Sealed: Sendable {
        let table: Table
        let holder: String
        let accountID: Int64?
        let bytes: [UInt8]
    }

    // MARK: Sealing

    /// The case key for a staff account.
    static func seal(_ key: CaseKey, ref: String, for account: Account, cleared: GrantClearance) throws -> Sealed {
        if let refused = refusal(for: account) { throw refused }
        try cleared.covers(account, ref: ref)
        let holder = Holder.account(account.id)
        let bytes = try key.withSecret {
            try SealedBox.seal($0, to: try account.x25519PublicKey(), context: caseContext(ref: ref, holder: holder))
        }
        return Sealed(table: .caseKey, holder: holder, accountID: account.id, bytes: bytes)
    }

    /// The identity key for a staff account (the head, or an inspector whose request was granted).
    static func seal(_ key: IdentityKey, ref: String, for account: Account, cleared: GrantClearance) throws -> Sealed {
        if let refused = refusal(for: account) { throw refused }
        try cleared.covers(account, ref: ref)
        let holder = Holder.account(account.id)
        let bytes = try key.withSecret {
            try SealedBox.seal($0, to: try account.x25519PublicKey(), context: identityContext(ref: ref, holder: holder))
        }
        return Sealed(table: .identity, holder: holder, accountID: account.id, bytes: bytes)
    }

    /// Why `account` may hold no grant at all, or nil. The role, not the capacity a caller names,
    /// decides: every caller reads the `Account` from the database just before sealing.
    static func refusal(for account: Account) -> Ledger.ActionRefused? {
        if account.role == .admin || account.role == .auditor {
            return Ledger.ActionRefused(description: "Admin and auditor accounts never hold a case: they manage and check, they do not read.")
        }
        if account.readingPending || account.disabled {
            return Ledger.ActionRefused(description: "This account's access awaits a second person's confirmation (or it is disabled): it can hold no case yet.")
        }
        return nil
    }

    /// The case key for the installation's recovery key.
    static func sealForRecovery(_ key: CaseKey, ref: String, to recovery: X25519PublicKey) throws -> Sealed {
        let bytes = try key.withSecret {
            try SealedBox.seal($0, to: recovery, context: caseContext(ref: ref, holder: Holder.recovery))
        }
        return Sealed(table: .caseKey, holder: Holder.recovery, accountID: nil, bytes: bytes)
    }

    /// The identity key for the installation's recovery key.
    static func sealForRecovery(_ key: IdentityKey, ref: String, to recovery: X25519PublicKey) throws -> Sealed {
        let bytes = try key.withSecret {
            try SealedBox.seal($0, to: recovery, context: identityContext(ref: ref, holder: Holder.recovery))
        }
        return Sealed(table: .identity, holder: Holder.recovery, accountID: nil, bytes: bytes)
    }

    /// The reporter holds no key pair: their grant is the case key wrapped under the key derived
    /// from their tracking code. There is no identity grant for the reporter: it is their own name.
    static func sealForReporter(_ key: CaseKey, ref: String, reporterKey: ReporterKey) throws -> Sealed {
        let bytes = try key.withSecret { secret in
            try reporterKey.withSecret {
                try AESGCM.seal(secret, key: $0, associatedData: caseContext(ref: ref, holder: Holder.reporter))
            }
        }
        return Sealed(table: .caseKey, holder: Holder.reporter, accountID: nil, bytes: bytes)
    }

    // MARK: Opening

    /// The case key from a staff account's grant; throws if the grant is not this account's,
    /// or not this case's.
    static func openCaseKey(_ sealed: [UInt8], ref: String, accountID: Int64, with key: StaffPrivateKey) throws -> CaseKey {
        CaseKey(try SealedBox.openSecret(sealed, with: key.key, context: caseContext(ref: ref, holder: Holder.account(accountID))))
    }

    static func openIdentityKey(_ sealed: [UInt8], ref: String, accountID: Int64, with key: StaffPrivateKey) throws -> IdentityKey {
        IdentityKey(try SealedBox.openSecret(sealed, with: key.key, context: identityContext(ref: ref, holder: Holder.account(accountID))))
    }

    static func openCaseKey(_ sealed: [UInt8], ref: String, with recovery: RecoveryPrivateKey) throws -> CaseKey {
        CaseKey(try SealedBox.openSecret(sealed, with: recovery.key, context: caseContext(ref: ref, holder: Holder.recovery)))
    }

    static func openIdentityKey(_ sealed: [UInt8], ref: String, with recovery: RecoveryPrivateKey) throws -> IdentityKey {
        IdentityKey(try SealedBox.openSecret(sealed, with: recovery.key, context: identityContext(ref: ref, holder: Holder.recovery)))
    }

    static func openCaseKey(_ sealed: [UInt8], ref: String, reporterKey: ReporterKey) throws -> CaseKey {
        CaseKey(try reporterKey.withSecret {
            try AESGCM.openSecret(sealed, key: $0, associatedData: caseContext(ref: ref, holder: Holder.reporter))
        })
    }

    // MARK: Storing and reading

    /// Stores (or replaces) one sealed key for one holder of a case.
    static func store(_ db: Database, _ grant: Sealed, caseID: Int64) throws {
        try db.execute("INSERT OR REPLACE INTO \(grant.table.rawValue)(case_id, holder, account_id, sealed_key) VALUES (?, ?, ?, ?)",
                       [.integer(caseID), .text(grant.holder), grant.accountID.map(SQLValue.integer) ?? .null, .blob(grant.bytes)])
    }

    /// The sealed key `holder` holds for the case; nil when it holds none.
    static func sealedKey(_ db: Database, _ table: Table, caseID: Int64, holder: String) throws -> [UInt8]? {
        try db.queryOne("SELECT sealed_key FROM \(table.rawValue) WHERE case_id = ? AND holder = ?", [.integer(caseID), .text(holder)])
            .map { try $0.required([UInt8].self, "sealed_key", table: table.rawValue) }
    }

    /// The case a tracking code's lookup id names, with the reporter's grant, in one indexed
    /// query: a hit and a miss cost the same lookup (`openCase`).
    static func reporterGrant(_ db: Database, lookupID: [UInt8]) throws -> (caseID: Int64, ref: String, sealed: [UInt8])? {
        guard let row = try db.queryOne("""
            SELECT c.id, c.ref, g.sealed_key FROM cases c JOIN grants g ON g.case_id = c.id AND g.holder = 'reporter'
            WHERE c.lookup_id = ?
            """, [.blob(lookupID)]) else { return nil }
        return (try row.required(Int64.self, "id", table: CaseRow.table), try row.required(String.self, "ref", table: CaseRow.table),
                try row.required([UInt8].self, "sealed_key", table: Table.caseKey.rawValue))
    }

    // MARK: Contexts

    static func caseContext(ref: String, holder: String) -> [UInt8] {
        Array("candor/grant/v1|\(ref)|\(holder)".utf8)
    }

    static func identityContext(ref: String, holder: String) -> [UInt8] {
        Array("candor/identity-grant/v1|\(ref)|\(holder)".utf8)
    }
}
