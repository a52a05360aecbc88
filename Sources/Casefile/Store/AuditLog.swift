import Foundation
import SQLiteDB
import Vault

/// The audit log of art. 3: every staff view, decryption, transition, grant, revocation,
/// identity request, login and setting change, so that a leak can be traced to an account.
///
/// Entries are chained: each MAC is HMAC-SHA256 under the audit key (in `Keys/`, not in the
/// database) over the previous MAC and this entry's fields, so `verify` finds any change,
/// deletion, insertion or reordering, and someone holding only the database cannot re-chain an
/// edited log. Details never hold report content, identity or tracking codes: callers pass
/// machine words and ids.
public struct AuditLog: Sendable {
    /// The key in force: new entries, checkpoints and the roster seal use it.
    let key: SecureBytes
    /// Keys retired by `candor audit rotate`, oldest first: the entries before each rotation
    /// are checked with them (AuditKeyRotation.swift).
    let retired: [SecureBytes]

    init(key: SecureBytes, retired: [SecureBytes] = []) {
        self.key = key
        self.retired = retired
    }

    public struct Entry: Sendable, Equatable {
        public var id: Int64
        public var at: Int64
        public var actor: String
        public var action: String
        public var caseRef: String?
        public var detail: String
    }

    static let genesis = [UInt8](repeating: 0, count: 32)

    func mac(previous: [UInt8], id: Int64, at: Int64, actor: String, action: String, caseRef: String?, detail: String,
             under macKey: SecureBytes? = nil) throws -> [UInt8] {
        // Length-prefixed fields: no two different entries serialise to the same bytes.
        var message = Array("candor/audit/v1".utf8) + previous
        for field in [String(id), String(at), actor, action, caseRef ?? "\u{0}", detail] {
            let bytes = Array(field.utf8)
            message += withUnsafeBytes(of: UInt32(bytes.count).bigEndian, Array.init) + bytes
        }
        return try HMAC.sha256(key: macKey ?? key, message: message)
    }

    /// Appends inside the caller's transaction, so that an action and its entry commit together.
    @discardableResult
    func append(_ db: Database, actor: String, action: String, caseRef: String? = nil, detail: String = "",
                at: Int64 = Int64(Date().timeIntervalSince1970)) throws -> Int64 {
        let last = try db.queryOne("SELECT id, mac FROM audit_log ORDER BY id DESC LIMIT 1")
        // An empty log chains from the genesis MAC and starts at 1.
        let previous = try last?.required([UInt8].self, "mac", table: "audit_log") ?? AuditLog.genesis
        let id = (try last?.required(Int64.self, "id", table: "audit_log") ?? 0) + 1
        let mac = try mac(previous: previous, id: id, at: at, actor: actor, action: action, caseRef: caseRef, detail: detail)
        try db.execute("INSERT INTO audit_log(id, at, actor, action, case_ref, detail, mac) VALUES (?, ?, ?, ?, ?, ?, ?)",
                       [.integer(id), .integer(at), .text(actor), .text(action), caseRef.map(SQLValue.text) ?? .null,
                        .text(detail), .blob(mac)])
        return id
    }

    public struct Break: Error, Equatable, Sendable, CustomStringConvertible {
        public let entryID: Int64
        public let reason: String
        /// What kind of break, so that a page can say it in the reader's language.
        public var kind: Kind = .chain
        public enum Kind: Sendable, Equatable {
            /// An entry changed, missing inside the chain, or out of order.
            case chain
            /// The log ends below a checkpoint's count: its newest entries were cut off.
            case cutBelow(checkpointCount: Int64)
            /// The checkpoint's entry exists with another MAC: the tail was re-chained.
            case rewritten
        }
        public init(entryID: Int64, reason: String, kind: Kind = .chain) {
            self.entryID = entryID
            self.reason = reason
            self.kind = kind
        }
        public var description: String { "audit log broken at entry \(entryID): \(reason)" }
    }

    /// Walks the whole chain; returns the number of entries, or the first break. A log whose
    /// newest entries were cut off is still a valid shorter chain: only a checkpoint kept outside
    /// (`verify(_:against:)`) finds that.
    func verify(_ db: Database) throws -> Result<Int, Break> {
        try walk(db).map { Int($0.count) }
    }

    func entries(_ db: Database, limit: Int = 200, before: Int64? = nil) throws -> [Entry] {
        let rows = try db.query("SELECT id, at, actor, action, case_ref, detail FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT ?",
                                [.integer(before ?? Int64.max), .integer(Int64(limit))])
        return try rows.map(Entry.init(row:))
    }
}

extension AuditLog.Entry {
    init(row: Row) throws {
        let r = row.reader(table: "audit_log")
        self.init(id: try r.required("id"), at: try r.required("at"), actor: try r.required("actor"),
                  action: try r.required("action"), caseRef: try r.optional("case_ref"), detail: try r.required("detail"))
    }
}
