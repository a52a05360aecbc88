import Casework
import SQLiteDB
import Vault

/// Proof that the separation check (art. 10) ran for one account on one case, against the case's
/// sealed list of the accused and of its exclusions and the account as the roster holds it now.
/// `Grants.seal(_:ref:for:cleared:)` seals for a staff account only against one; its initialiser
/// is fileprivate, so the only way to get one is `CaseSeparation.clear(_:)` below, and a new grant
/// path that skips the check does not compile.
struct GrantClearance: Sendable {
    let accountID: Int64
    let ref: String

    fileprivate init(accountID: Int64, ref: String) {
        self.accountID = accountID
        self.ref = ref
    }
}

/// The accused a case names and who it excludes, opened from the case's sealed blobs (or, at
/// intake, about to be sealed). Matching runs again at every grant against the roster as it is
/// then, so an account created, re-enabled or renamed after intake is caught as well.
struct CaseSeparation: Sendable {
    let ref: String
    let accused: [AccusedPerson]
    let records: [ExclusionRecord]

    /// Why `account` may not hold this case, or nil when it may.
    func exclusion(of account: Account) -> ExclusionRecord? {
        if let recorded = records.first(where: { $0.accountID == account.id }) { return recorded }
        return CaseSeparation.records(Separation.exclusions(accused: accused, pickedAccountIDs: [], roster: [account.rosterEntry]),
                                      accused: accused, roster: [account]).first
    }

    /// Every account of `roster` this case excludes now: those on record and those the accused match.
    func excluded(among roster: [Account]) -> Set<Int64> {
        Set(roster.filter { exclusion(of: $0) != nil }.map(\.id))
    }

    /// The clearance to seal a key of this case for `account`; throws `Ledger.Excluded` when the
    /// account is on record as excluded or any accused person may be it.
    func clear(_ account: Account) throws -> GrantClearance {
        if let record = exclusion(of: account) { throw Ledger.Excluded(accountID: account.id, record: record) }
        return GrantClearance(accountID: account.id, ref: ref)
    }

    /// The sealed records of `exclusions`, each with the basis and the words of the report that
    /// made it, so the head can see why an account is kept out.
    static func records(_ exclusions: [Exclusion], accused: [AccusedPerson], roster: [Account]) -> [ExclusionRecord] {
        exclusions.map { e in
            var record = ExclusionRecord(accountID: e.accountID, reason: e.reason.rawValue)
            record.basis = e.basis?.rawValue
            if let basis = e.basis, let entry = roster.first(where: { $0.id == e.accountID })?.rosterEntry,
               let person = accused.first(where: { Separation.match($0, entry) == basis }) {
                record.named = [person.name, person.post].filter { !$0.isEmpty }.joined(separator: " ")
            }
            return record
        }
    }
}

extension Ledger {
    /// A grant refused because the account is excluded from the case (art. 10).
    struct Excluded: Error, CustomStringConvertible {
        let accountID: Int64
        let record: ExclusionRecord
        var description: String { "This person is excluded from the case (art. 10) and can never be given access to it." }
    }

    /// The case's separation: the accused (channel) and the exclusions (internal), opened with its keys.
    static func separation(_ db: Database, caseID: Int64, ref: String, keys: CaseKeys) throws -> CaseSeparation {
        func latest(_ kind: BlobKind) throws -> [UInt8]? {
            try db.queryOne("SELECT \(BlobRow.columns()) FROM blobs WHERE case_id = ? AND kind = ? ORDER BY id DESC LIMIT 1",
                            [.integer(caseID), .text(kind.rawValue)]).map(BlobRow.init(row:))?.open(keys: keys, ref: ref)
        }
        let accused = try latest(.accused).map { try JSONBytes.decode([AccusedPerson].self, $0) } ?? []
        let records = try latest(.exclusions).map { try JSONBytes.decode([ExclusionRecord].self, $0) } ?? []
        return CaseSeparation(ref: ref, accused: accused, records: records)
    }

    func separation(_ c: StaffCase) throws -> CaseSeparation {
        try pool.read { db in try Ledger.separation(db, caseID: c.caseID, ref: c.ref, keys: c.keys) }
    }

    /// The clearance for a grant on `c` to `account` as the roster holds it now; a refusal is
    /// audited without naming the account next to the case (that would tell who is accused).
    func clearance(_ c: StaffCase, for account: Account, refusal action: String) throws -> GrantClearance {
        do {
            return try separation(c).clear(account)
        } catch let excluded as Excluded {
            _ = try pool.write { [audit, clock] db in
                try audit.append(db, actor: "staff:\(c.accountID)", action: action, caseRef: c.ref, detail: "refused", at: clock())
            }
            throw ActionRefused(description: excluded.description)
        }
    }
}

extension GrantClearance {
    /// A clearance is for one account on one case: handing it to another seal is refused.
    func covers(_ account: Account, ref: String) throws {
        guard account.id == accountID, ref == self.ref else {
            throw Ledger.Problem(description: "a grant clearance was used for another account or case")
        }
    }
}

extension Ledger {
    /// Whether the case excludes `accountID` as the roster holds it now (on record, or matched
    /// by the accused). A disabled or deleted account is not checked here: it cannot log in.
    func excludedNow(caseID: Int64, ref: String, keys: CaseKeys, accountID: Int64) throws -> Bool {
        try pool.read { db in
            guard let row = try db.queryOne("SELECT \(Account.columns) FROM accounts WHERE id = ?", [.integer(accountID)]) else { return false }
            return try Ledger.separation(db, caseID: caseID, ref: ref, keys: keys).exclusion(of: try Account(row: row)) != nil
        }
    }
}
