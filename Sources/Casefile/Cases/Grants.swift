import SQLiteDB
import Vault

/// Every grant of the ledger is sealed, opened, stored and read here and nowhere else: a case's
/// two keys (channel and internal, DESIGN.md "Two keys per case") and a real-name reporter's
/// identity key, for a staff account and for the recovery key, and the channel key alone for the
/// reporter. `GrantsTests` fails if `SealedBox` or a grant context
/// is used for a grant anywhere else in Casefile.
///
/// This is the one choke point for who may hold a key, so the rules no caller may forget are
/// here: admin and auditor accounts never hold a grant, nor does an account whose reading power
/// awaits a second person's confirmation (`refusal(for:)`), whatever the caller was told.
/// Art. 10 is applied here by type: a staff account's seal takes a `GrantClearance`, which only
/// the separation check (SeparationCheck.swift) can make.
///
/// The context strings bind the case's reference and the holder, so a grant copied to another
/// case or holder does not open. A case made before it had two keys holds its one key under the
/// `v1` context; a case with two keys seals its channel key under `v2`. Which context opens a
/// staff grant is how the ledger knows that a case must have an internal grant and seals: a
/// database writer cannot turn a `v2` grant into a `v1` one without the holder's private key, so
/// cannot make a split case pass for an old one (`KeySplit`).
enum Grants {
    /// Which table a grant lives in.
    enum Table: String, Sendable {
        /// The channel key sealed for a holder (before the split: the case's one key).
        case caseKey = "grants"
        /// The internal key sealed for a staff holder or the recovery key; never the reporter.
        case internalKey = "internal_grants"
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

    /// Both keys of a case for a staff account: two grants, stored together.
    static func seal(_ keys: CaseKeys, ref: String, for account: Account, cleared: GrantClearance) throws -> [Sealed] {
        if let refused = refusal(for: account) { throw refused }
        try cleared.covers(account, ref: ref)
        let holder = Holder.account(account.id)
        let publicKey = try account.x25519PublicKey()
        let channel = try keys.channel.withSecret { try SealedBox.seal($0, to: publicKey, context: channelContext(ref: ref, holder: holder)) }
        let inner = try keys.internal.withSecret { try SealedBox.seal($0, to: publicKey, context: internalContext(ref: ref, holder: holder)) }
        return [Sealed(table: .caseKey, holder: holder, accountID: account.id, bytes: channel),
                Sealed(table: .internalKey, holder: holder, accountID: account.id, bytes: inner)]
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
        if !account.rosterSealHolds {
            return Ledger.ActionRefused(description: "This account's record was changed outside Candor (its seal does not hold): it can hold no case.")
        }
        if account.readingPending || account.disabled {
            return Ledger.ActionRefused(description: "This account's access awaits a second person's confirmation (or it is disabled): it can hold no case yet.")
        }
        return nil
    }

    /// Both keys of a case for the installation's recovery key.
    static func sealForRecovery(_ keys: CaseKeys, ref: String, to recovery: X25519PublicKey) throws -> [Sealed] {
        let channel = try keys.channel.withSecret { try SealedBox.seal($0, to: recovery, context: channelContext(ref: ref, holder: Holder.recovery)) }
        let inner = try keys.internal.withSecret { try SealedBox.seal($0, to: recovery, context: internalContext(ref: ref, holder: Holder.recovery)) }
        return [Sealed(table: .caseKey, holder: Holder.recovery, accountID: nil, bytes: channel),
                Sealed(table: .internalKey, holder: Holder.recovery, accountID: nil, bytes: inner)]
    }

    /// The identity key for the installation's recovery key.
    static func sealForRecovery(_ key: IdentityKey, ref: String, to recovery: X25519PublicKey) throws -> Sealed {
        let bytes = try key.withSecret {
            try SealedBox.seal($0, to: recovery, context: identityContext(ref: ref, holder: Holder.recovery))
        }
        return Sealed(table: .identity, holder: Holder.recovery, accountID: nil, bytes: bytes)
    }

    /// The reporter holds no key pair: their grant is the channel key (never the internal key)
    /// wrapped under the key derived from their tracking code. There is no identity grant for the
    /// reporter: it is their own name.
    static func sealForReporter(_ key: ChannelKey, ref: String, reporterKey: ReporterKey) throws -> Sealed {
        let bytes = try key.withSecret { secret in
            try reporterKey.withSecret {
                try AESGCM.seal(secret, key: $0, associatedData: channelContext(ref: ref, holder: Holder.reporter))
            }
        }
        return Sealed(table: .caseKey, holder: Holder.reporter, accountID: nil, bytes: bytes)
    }

    // MARK: Opening

    /// What a staff holder's (or the recovery key's) grants open: both keys of a case, or the one
    /// key of a case made before the split (`KeySplit` splits it).
    enum Opened {
        case keys(CaseKeys)
        case legacy(ChannelKey)
    }

    /// A channel grant sealed under `v2` whose internal grant is missing or does not open: the
    /// case had two keys and a row was deleted or changed (`CaseSeal` reports it as tampering).
    struct InternalGrantMissing: Error, CustomStringConvertible {
        var description: String { "the internal grant of a case with two keys is missing or does not open" }
    }

    /// Both keys from a staff account's grants; throws if the grants are not this account's, or
    /// not this case's.
    static func openCaseKeys(channel: [UInt8], internal inner: [UInt8]?, ref: String, accountID: Int64,
                             with key: StaffPrivateKey) throws -> Opened {
        try open(channel: channel, internal: inner, ref: ref, holder: Holder.account(accountID)) {
            try SealedBox.openSecret($0, with: key.key, context: $1)
        }
    }

    /// The channel grants of the cases `accountID` holds with id above `after`, each with the
    /// case's latest sealed accused list, in id order: what the related-reports index opens.
    static func heldAccused(_ db: Database, accountID: Int64, after: Int64, limit: Int) throws -> [(caseID: Int64, ref: String, grant: [UInt8], accused: BlobRow)] {
        try db.query("""
            SELECT c.id, c.ref, g.sealed_key, \(BlobRow.columns("b")) FROM cases c
            JOIN grants g ON g.case_id = c.id AND g.holder = ?
            JOIN blobs b ON b.id = (SELECT max(id) FROM blobs WHERE case_id = c.id AND kind = 'accused')
            WHERE c.id > ? ORDER BY c.id LIMIT ?
            """, [.text(Holder.account(accountID)), .integer(after), .integer(Int64(limit))]).map { row in
            (try row.required(Int64.self, "id", table: "cases"), try row.required(String.self, "ref", table: "cases"),
             try row.required([UInt8].self, "sealed_key", table: "grants"), try BlobRow(row: row))
        }
    }

    /// The channel key alone from a staff account's channel grant (a two-key case's or one from
    /// before the split): what reading the accused lists for related reports needs.
    static func openChannelKey(_ channel: [UInt8], ref: String, accountID: Int64, with key: StaffPrivateKey) throws -> ChannelKey {
        let holder = Holder.account(accountID)
        if let secret = try? SealedBox.openSecret(channel, with: key.key, context: channelContext(ref: ref, holder: holder)) {
            return ChannelKey(secret)
        }
        return ChannelKey(try SealedBox.openSecret(channel, with: key.key, context: caseContext(ref: ref, holder: holder)))
    }

    static func openCaseKeys(channel: [UInt8], internal inner: [UInt8]?, ref: String, with recovery: RecoveryPrivateKey) throws -> Opened {
        try open(channel: channel, internal: inner, ref: ref, holder: Holder.recovery) {
            try SealedBox.openSecret($0, with: recovery.key, context: $1)
        }
    }

    private static func open(channel: [UInt8], internal inner: [UInt8]?, ref: String, holder: String,
                             _ unseal: ([UInt8], [UInt8]) throws -> SecureBytes) throws -> Opened {
        if let secret = try? unseal(channel, channelContext(ref: ref, holder: holder)) {
            guard let inner, let innerSecret = try? unseal(inner, internalContext(ref: ref, holder: holder)) else {
                throw InternalGrantMissing()
            }
            return .keys(CaseKeys(channel: ChannelKey(secret), internal: InternalKey(innerSecret)))
        }
        return .legacy(ChannelKey(try unseal(channel, caseContext(ref: ref, holder: holder))))
    }

    static func openIdentityKey(_ sealed: [UInt8], ref: String, accountID: Int64, with key: StaffPrivateKey) throws -> IdentityKey {
        IdentityKey(try SealedBox.openSecret(sealed, with: key.key, context: identityContext(ref: ref, holder: Holder.account(accountID))))
    }

    static func openIdentityKey(_ sealed: [UInt8], ref: String, with recovery: RecoveryPrivateKey) throws -> IdentityKey {
        IdentityKey(try SealedBox.openSecret(sealed, with: recovery.key, context: identityContext(ref: ref, holder: Holder.recovery)))
    }

    /// The channel key from the reporter's grant, and whether the grant is a two-key case's
    /// (`v2`), whose channel seal the reporter's side then requires.
    static func openChannelKey(_ sealed: [UInt8], ref: String, reporterKey: ReporterKey) throws -> (key: ChannelKey, split: Bool) {
        try reporterKey.withSecret { key in
            if let secret = try? AESGCM.openSecret(sealed, key: key, associatedData: channelContext(ref: ref, holder: Holder.reporter)) {
                return (ChannelKey(secret), true)
            }
            return (ChannelKey(try AESGCM.openSecret(sealed, key: key, associatedData: caseContext(ref: ref, holder: Holder.reporter))), false)
        }
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

    /// The one key of a case made before the split.
    static func caseContext(ref: String, holder: String) -> [UInt8] {
        Array("candor/grant/v1|\(ref)|\(holder)".utf8)
    }

    /// The channel key of a case with two keys.
    static func channelContext(ref: String, holder: String) -> [UInt8] {
        Array("candor/grant/v2|\(ref)|\(holder)".utf8)
    }

    static func internalContext(ref: String, holder: String) -> [UInt8] {
        Array("candor/internal-grant/v1|\(ref)|\(holder)".utf8)
    }

    static func identityContext(ref: String, holder: String) -> [UInt8] {
        Array("candor/identity-grant/v1|\(ref)|\(holder)".utf8)
    }
}

extension Grants {
    /// Who holds a key of `table` for the case: 'account:<id>', 'recovery' or 'reporter'.
    static func holders(_ db: Database, _ table: Table, caseID: Int64) throws -> [(holder: String, accountID: Int64?)] {
        try db.query("SELECT holder, account_id FROM \(table.rawValue) WHERE case_id = ? ORDER BY holder", [.integer(caseID)]).map {
            (try $0.required(String.self, "holder", table: table.rawValue), try $0.int64("account_id"))
        }
    }

    /// Whether anyone holds a key of `table` for the case (an internal grant: the case was split).
    static func anyHeld(_ db: Database, _ table: Table, caseID: Int64) throws -> Bool {
        try db.queryOne("SELECT 1 FROM \(table.rawValue) WHERE case_id = ? LIMIT 1", [.integer(caseID)]) != nil
    }

    static func delete(_ db: Database, _ table: Table, caseID: Int64, holder: String) throws {
        try db.execute("DELETE FROM \(table.rawValue) WHERE case_id = ? AND holder = ?", [.integer(caseID), .text(holder)])
    }
}

extension Grants {
    /// One of the recovery key's grants, as stored.
    struct RecoveryGrant: Sendable {
        let table: Table
        let caseID: Int64
        let ref: String
        let bytes: [UInt8]
    }

    /// Every grant the recovery key holds, in the three tables (`candor recovery rotate`).
    static func recoveryGrants(_ db: Database) throws -> [RecoveryGrant] {
        var out: [RecoveryGrant] = []
        for table in [Table.caseKey, .internalKey, .identity] {
            for row in try db.query("""
                SELECT g.case_id, c.ref, g.sealed_key FROM \(table.rawValue) g JOIN cases c ON c.id = g.case_id
                WHERE g.holder = ? ORDER BY g.case_id
                """, [.text(Holder.recovery)]) {
                out.append(RecoveryGrant(table: table, caseID: try row.required(Int64.self, "case_id", table: table.rawValue),
                                         ref: try row.required(String.self, "ref", table: CaseRow.table),
                                         bytes: try row.required([UInt8].self, "sealed_key", table: table.rawValue)))
            }
        }
        return out
    }

    /// A recovery grant opened with the old recovery key under the context it was sealed with
    /// (a channel grant is `v2`, or `v1` for a case not split yet) and sealed to the new public
    /// key under the same context: the case's split state, and so what its grants promise, stay
    /// as they were. Throws when the old key does not open it.
    static func resealRecovery(_ grant: RecoveryGrant, from old: RecoveryPrivateKey, to new: X25519PublicKey) throws -> Sealed {
        let holder = Holder.recovery
        let contexts: [[UInt8]] = switch grant.table {
        case .caseKey: [channelContext(ref: grant.ref, holder: holder), caseContext(ref: grant.ref, holder: holder)]
        case .internalKey: [internalContext(ref: grant.ref, holder: holder)]
        case .identity: [identityContext(ref: grant.ref, holder: holder)]
        }
        for context in contexts {
            guard let secret = try? SealedBox.openSecret(grant.bytes, with: old.key, context: context) else { continue }
            return Sealed(table: grant.table, holder: holder, accountID: nil, bytes: try SealedBox.seal(secret, to: new, context: context))
        }
        throw Ledger.Problem(description: "the recovery grant (\(grant.table.rawValue)) of case \(grant.ref) does not open with the old recovery key")
    }
}
