import Casework
import Foundation
import SQLiteDB

/// One change of reading power, or of the alternates, as it was asked for (issue 13, the
/// two-person rule). Making an account a head, an inspector or an approver, enabling one,
/// resetting its password and setting the alternates each give some account a key to future
/// reports; none takes effect until a second person who reads (a head or a seat holder, not the
/// one who asked and not the account concerned) confirms it.
public struct ReaderChange: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case create, enable, reset, alternates
    }

    public let id: Int64
    public let kind: Kind
    /// The account whose reading power changes; nil for `alternates`.
    public let accountID: Int64?
    /// The alternates asked for (`alternates` only).
    public let alternates: Alternates?
    /// `staff:<id>` for a console request, `cli` for the command line.
    public let requestedBy: String
    public let requestedAt: Int64

    static let columns = "id, kind, account_id, payload, requested_by, requested_at"

    init(row: Row) throws {
        let r = row.reader(table: "reader_changes")
        id = try r.required("id")
        kind = try r.required("kind", as: Kind.self)
        accountID = try r.optional("account_id")
        let payload: String? = try r.optional("payload")
        alternates = try payload.map { try JSONDecoder().decode(Alternates.self, from: Data($0.utf8)) }
        requestedBy = try r.required("requested_by")
        requestedAt = try r.required("requested_at")
    }
}

extension Ledger {
    /// Alternates refused before anything is written: `Alternates.problems`, one line each.
    public struct AlternatesRefused: Error, CustomStringConvertible, Sendable, Equatable {
        public let problems: [String]
        public var description: String { problems.joined(separator: "; ") }
    }

    /// Roles whose accounts can be given a case key.
    static func reads(_ role: Role) -> Bool { role == .head || role == .inspector || role == .approver }

    /// Roles that may confirm a change: a head, or an approver (every approver holds a seat).
    static func confirms(_ account: Account) -> Bool {
        (account.role == .head || (account.role == .approver && account.seat != nil)) && !account.disabled && !account.readingPending
    }

    /// Whether anyone could confirm a change yet. While no one could (an installation being set
    /// up), the command line is the root of trust and its changes take effect at once.
    /// `other`: the account being changed, which never counts (it is in the table already,
    /// inside the caller's transaction).
    static func hasConfirmer(_ db: Database, other: Int64) throws -> Bool {
        try db.queryOne("""
            SELECT 1 FROM accounts WHERE disabled = 0 AND reading_pending = 0 AND id != ?
              AND (role = 'head' OR (role = 'approver' AND seat IS NOT NULL)) LIMIT 1
            """, [.integer(other)]) != nil
    }

    /// Records a change of `accountID`'s reading power inside the caller's transaction and marks
    /// the account pending, unless this is the command line's bootstrap. Returns whether the
    /// change awaits a confirmation.
    static func requestReadingPower(_ db: Database, _ kind: ReaderChange.Kind, accountID: Int64, actor: String,
                                    commandLine: Bool, audit: AuditLog, at now: Int64) throws -> Bool {
        let bootstrap = commandLine ? !(try hasConfirmer(db, other: accountID)) : false
        try db.execute("""
            INSERT INTO reader_changes(kind, account_id, requested_by, requested_at, outcome, decided_at) VALUES (?, ?, ?, ?, ?, ?)
            """, [.text(kind.rawValue), .integer(accountID), .text(actor), .integer(now),
                  bootstrap ? .text("bootstrap") : .null, bootstrap ? .integer(now) : .null])
        let change = db.lastInsertRowID
        try db.execute("UPDATE accounts SET reading_pending = ? WHERE id = ?", [.integer(bootstrap ? 0 : 1), .integer(accountID)])
        try audit.sealAccount(db, accountID)
        try audit.append(db, actor: actor, action: bootstrap ? "reader_change_bootstrap" : "reader_change_request",
                         detail: "change=\(change) kind=\(kind.rawValue) account=\(accountID)", at: now)
        return !bootstrap
    }

    /// Records a change of the alternates awaiting confirmation; the alternates in force stay.
    func requestAlternates(_ alternates: Alternates, actor: String) throws {
        let payload = String(decoding: try JSONEncoder().encode(alternates), as: UTF8.self)
        let now = clock()
        let audit = self.audit
        try pool.write { db in
            try db.execute("INSERT INTO reader_changes(kind, payload, requested_by, requested_at) VALUES ('alternates', ?, ?, ?)",
                           [.text(payload), .text(actor), .integer(now)])
            try audit.append(db, actor: actor, action: "reader_change_request",
                             detail: "change=\(db.lastInsertRowID) kind=alternates", at: now)
        }
    }

    /// What `Alternates.problems` finds in `alternates` against the accounts that read now
    /// (enabled, confirmed); empty when they may be put in force.
    public func alternatesProblems(_ alternates: Alternates) throws -> [Alternates.Problem] {
        let roster = try pool.read { db in try self.roster(db) }
        let logins = Dictionary(uniqueKeysWithValues: roster.map { ($0.id, $0.login) })
        return alternates.problems(roster: roster.map(\.rosterEntry), loginOf: { logins[$0] })
    }

    /// Every change awaiting a second person, oldest first.
    public func pendingReaderChanges() throws -> [ReaderChange] {
        try pool.read { db in
            try db.query("SELECT \(ReaderChange.columns) FROM reader_changes WHERE outcome IS NULL ORDER BY id").map(ReaderChange.init(row:))
        }
    }

    /// The alternates asked for and not yet confirmed or rejected (the latest request), if any.
    public func pendingAlternates() throws -> Alternates? {
        try pendingReaderChanges().last { $0.kind == .alternates }?.alternates
    }

    /// Why `confirmer` may not decide `change`, or nil. The one who asked, the account
    /// concerned, admin and auditor accounts and accounts not themselves confirmed never decide.
    public static func decisionRefusal(_ change: ReaderChange, by confirmer: Account) -> String? {
        guard confirms(confirmer) else {
            return "Only a head or a seat holder whose own access is in force confirms a change of who may read."
        }
        guard change.requestedBy != "staff:\(confirmer.id)" else { return "A change is confirmed by a second person, not by the one who asked for it." }
        guard change.accountID != confirmer.id else { return "No one confirms a change of their own access." }
        return nil
    }

    /// A second person confirms `changeID`: the account's reading power, or the alternates,
    /// come into force (the alternates checked again against today's roster and written to
    /// `settingsFile`). Refused with `ActionRefused` for a confirmer `decisionRefusal` names or
    /// a change already decided; audited.
    public func confirmReaderChange(_ changeID: Int64, by confirmerID: Int64, settingsFile: URL?) throws {
        let (change, confirmer) = try openChange(changeID, by: confirmerID)
        if change.kind == .alternates, let alternates = change.alternates {
            let problems = try alternatesProblems(alternates)
            guard problems.isEmpty else { throw AlternatesRefused(problems: problems.map(\.description)) }
            var new = settings
            new.alternates = alternates
            if let settingsFile { try PrivateFiles.write(try new.encodedJSON(), to: settingsFile) }
            try decide(change, by: confirmer, confirmed: true)
            replaceSettings(new)
        } else {
            try decide(change, by: confirmer, confirmed: true)
        }
    }

    /// A second person rejects `changeID`: the alternates in force stay; an account made a
    /// reader, enabled or reset is disabled and still holds nothing. Audited.
    public func rejectReaderChange(_ changeID: Int64, by confirmerID: Int64) throws {
        let (change, confirmer) = try openChange(changeID, by: confirmerID)
        try decide(change, by: confirmer, confirmed: false)
    }

    private func openChange(_ changeID: Int64, by confirmerID: Int64) throws -> (ReaderChange, Account) {
        let change = try pool.read { db in
            try db.queryOne("SELECT \(ReaderChange.columns) FROM reader_changes WHERE id = ? AND outcome IS NULL", [.integer(changeID)])
                .map(ReaderChange.init(row:))
        }
        guard let change else { throw ActionRefused(description: "This change has already been decided, or there is no such change.") }
        guard let confirmer = try account(id: confirmerID) else { throw ActionRefused(description: "No such account.") }
        if let refused = Ledger.decisionRefusal(change, by: confirmer) {
            let now = clock()
            _ = try pool.write { [audit] db in
                try audit.append(db, actor: "staff:\(confirmerID)", action: "reader_change_refused", detail: "change=\(changeID)", at: now)
            }
            throw ActionRefused(description: refused)
        }
        return (change, confirmer)
    }

    private func decide(_ change: ReaderChange, by confirmer: Account, confirmed: Bool) throws {
        let now = clock()
        let audit = self.audit
        try pool.write { db in
            try db.execute("UPDATE reader_changes SET outcome = ?, decided_by = ?, decided_at = ? WHERE id = ? AND outcome IS NULL",
                           [.text(confirmed ? "confirmed" : "rejected"), .integer(confirmer.id), .integer(now), .integer(change.id)])
            guard db.changes == 1 else { throw ActionRefused(description: "This change has already been decided.") }
            if let account = change.accountID {
                // A row changed behind the ledger's back is not confirmed into force.
                try audit.requireAccountSeal(db, account)
                if confirmed {
                    // Another change of the same account still open keeps it pending.
                    try db.execute("""
                        UPDATE accounts SET reading_pending = 0 WHERE id = ? AND NOT EXISTS
                          (SELECT 1 FROM reader_changes WHERE account_id = ? AND outcome IS NULL)
                        """, [.integer(account), .integer(account)])
                } else {
                    try db.execute("UPDATE accounts SET disabled = 1 WHERE id = ?", [.integer(account)])
                }
                try audit.sealAccount(db, account)
            }
            try audit.append(db, actor: "staff:\(confirmer.id)", action: confirmed ? "reader_change_confirm" : "reader_change_reject",
                             detail: "change=\(change.id) kind=\(change.kind.rawValue)" + (change.accountID.map { " account=\($0)" } ?? ""), at: now)
        }
    }
}
