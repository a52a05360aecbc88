import Casework
import Dispatch
import Foundation
import SQLiteDB
import Synchronization
import Vault

/// Which of the cases a head holds name the same accused (issue 16; art. 14's "other reports on
/// the same matter"): built in memory from the sealed accused lists the head's own key opens,
/// kept in the head's session and nowhere else. No list of names and no index of them is ever
/// written: a keyed index whose key sat with the server would let anyone holding the server test
/// names against it. The price is that each session opens every held case's accused list once
/// (measured by `make bench-console` as related_first_ms).
public struct AccusedIndex: Sendable {
    /// Match key (employee id, normalised name or post, each prefixed by its kind) → case ids.
    let cases: [String: [Int64]]
    /// The highest case id read: cases that arrive later are added by `accusedIndex(extending:)`.
    public let newestCaseID: Int64
    public let caseCount: Int

    /// The keys one accused list matches on, as separation matches a person to an account: the
    /// employee id, the full name, the post, each normalised.
    static func keys(_ accused: [AccusedPerson]) -> Set<String> {
        var out: Set<String> = []
        for person in accused {
            if let id = person.employeeID.map(NameMatching.normaliseEmployeeID), !id.isEmpty { out.insert("employee_id:" + id) }
            let name = NameMatching.normalise(person.name)
            if !name.isEmpty { out.insert("name:" + name) }
            let post = NameMatching.normalise(person.post)
            if !post.isEmpty { out.insert("post:" + post) }
        }
        return out
    }
}

/// One case naming someone the open case names too.
public struct RelatedReport: Sendable {
    public let entry: InboxEntry
    /// "employee_id", "name" or "post": the firmest match.
    public let basis: String
    /// Already linked to the open case as the same matter (sealed in it).
    public let linked: Bool
}

extension Ledger {
    /// Opens the accused list of every case `accountID` holds (or only those newer than
    /// `previous`, added to it) with the account's key, in parallel, and indexes them in memory.
    public func accusedIndex(accountID: Int64, key: StaffPrivateKey, extending previous: AccusedIndex? = nil) throws -> AccusedIndex {
        var cases = previous?.cases ?? [:]
        var (newest, count) = (previous?.newestCaseID ?? 0, previous?.caseCount ?? 0)
        let holder = Holder.account(accountID)
        while true {
            let rows = try pool.read { [newest] db in try Grants.heldAccused(db, accountID: accountID, after: newest, limit: 4000) }
            guard let last = rows.last else { break }
            let opened = Mutex<[(Int64, Set<String>)]>([])
            DispatchQueue.concurrentPerform(iterations: rows.count) { i in
                // A case whose grant or list does not open is simply not indexed: the case page
                // reports it when opened.
                guard let found = try? Ledger.openAccused(rows[i], accountID: accountID, key: key) else { return }
                opened.withLock { $0.append(found) }
            }
            for (caseID, keys) in opened.withLock({ $0 }) {
                for k in keys { cases[k, default: []].append(caseID) }
            }
            count += rows.count
            newest = last.caseID
        }
        return AccusedIndex(cases: cases, newestCaseID: newest, caseCount: count)
    }

    private static func openAccused(_ row: (caseID: Int64, ref: String, grant: [UInt8], accused: BlobRow), accountID: Int64,
                                    key: StaffPrivateKey) throws -> (Int64, Set<String>) {
        let channel = try Grants.openChannelKey(row.grant, ref: row.ref, accountID: accountID, with: key)
        let accused = try JSONBytes.decode([AccusedPerson].self, try row.accused.open(keys: channel, ref: row.ref))
        return (row.caseID, AccusedIndex.keys(accused))
    }

    /// The cases in `index` that name someone `c` names, newest first, at most `limit`; the open
    /// case itself left out. Firmer matches (employee id, then name) before a shared post.
    public func relatedReports(of c: StaffCase, in index: AccusedIndex, limit: Int = 50) throws -> (reports: [RelatedReport], total: Int) {
        let mine = AccusedIndex.keys(try separation(c).accused)
        var basis: [Int64: String] = [:]
        for kind in ["employee_id", "name", "post"] {
            for k in mine where k.hasPrefix(kind + ":") {
                for id in index.cases[k] ?? [] where id != c.caseID && basis[id] == nil { basis[id] = kind }
            }
        }
        let rank = ["employee_id": 0, "name": 1, "post": 2]
        let chosen = basis.sorted { (rank[$0.value]!, -$0.key) < (rank[$1.value]!, -$1.key) }.prefix(limit)
        let linked = Set(try sameMatterLinks(c))
        let (settings, today, accountID) = (self.settings, self.today, c.accountID)
        let ids = chosen.map(\.key)
        let rows = try pool.read { db in
            try db.query("""
                SELECT \(CaseRow.columns("c")), \(InboxSQL.capacities) AS caps FROM cases c
                WHERE c.id IN (\(ids.map(String.init).joined(separator: ",")))
                """, [.integer(accountID)])
        }
        let entries = Dictionary(uniqueKeysWithValues: try rows.map { row in
            (try row.required(Int64.self, "id", table: CaseRow.table), try Ledger.entry(row, settings: settings, today: today))
        })
        let reports = chosen.compactMap { id, kind in
            entries[id].map { RelatedReport(entry: $0, basis: kind, linked: linked.contains($0.register)) }
        }
        return (reports, basis.count)
    }

    /// Links `c` and the case registered as `register` as the same matter, in `c`'s sealed
    /// same-matter record (the reward's earliest-report rule reads it). Only the head who holds
    /// `c` for intake, and only to a case they hold too.
    public func linkSameMatter(_ c: StaffCase, register: String) throws {
        guard c.capacities.contains("intake") else { throw ActionRefused(description: "Only the head who holds the case links it.") }
        guard let ref = try caseRef(register: register, accountID: c.accountID), ref != c.ref,
              let number = Ledger.registerNumber(typed: register)?.description else {
            throw ActionRefused(description: "No other case you hold is registered as \(register).")
        }
        var links = try sameMatterLinks(c)
        guard !links.contains(number) else { return }
        links.append(number)
        let blob = try sealSameMatter(c, SameMatterLinks(registerNumbers: links))
        let (caseID, now, today, audit, author) = (c.caseID, clock(), Int64(self.today.ordinal), self.audit, "staff:\(c.accountID)")
        try caseWrite(c) { db in
            try InternalRecords.replace(db, caseID: caseID, kind: .sameMatter, blob: blob, author: author, day: today)
            try audit.append(db, actor: author, action: "link_same_matter", caseRef: c.ref, detail: "", at: now)
        }
    }
}
