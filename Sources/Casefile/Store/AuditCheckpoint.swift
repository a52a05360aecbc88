import Foundation
import Glibc
import SQLiteDB
import Vault

/// A line to keep outside the server (issue 14, finding 3): how many entries the audit log held
/// and the MAC of the last one, at a time. The chain alone cannot see its own end cut off — a
/// shorter chain is still a valid chain — so `verify` against a checkpoint taken earlier is what
/// finds a log cut below it, or a tail deleted and re-chained by someone holding the audit key.
///
/// `candor-audit-checkpoint v1 count=<n> head=<64 hex> at=<UTC> mac=<64 hex>`: the trailing MAC
/// (HMAC-SHA256 under the audit key, its own domain) covers everything before ` mac=`, so a
/// slip in copying the line by hand is refused as damaged rather than read as a cut.
public struct AuditCheckpoint: Sendable, Equatable {
    /// Entries in the log when the checkpoint was taken; entry ids run 1…count.
    public let count: Int64
    /// The MAC of entry `count` (32 zero bytes for an empty log).
    public let head: [UInt8]
    /// When it was taken, Unix seconds.
    public let at: Int64
    /// The whole line, MAC included, as it is printed and pasted.
    public let line: String

    static let magic = "candor-audit-checkpoint"
    static let version = "v1"

    /// A checkpoint that cannot be read, or whose own MAC does not match: nothing is concluded
    /// about the log from it.
    public struct Damaged: Error, Equatable, Sendable, CustomStringConvertible {
        public let reason: String
        public var description: String { "the checkpoint is damaged: \(reason)" }
    }

    static func body(count: Int64, head: [UInt8], at: Int64) -> String {
        "\(magic) \(version) count=\(count) head=\(hex(head)) at=\(utc(at))"
    }

    static func seal(_ body: String, key: SecureBytes) throws -> [UInt8] {
        try HMAC.sha256(key: key, message: Array("candor/audit-checkpoint/v1\u{0}".utf8) + Array(body.utf8))
    }

    init(count: Int64, head: [UInt8], at: Int64, key: SecureBytes) throws {
        let body = AuditCheckpoint.body(count: count, head: head, at: at)
        self.count = count
        self.head = head
        self.at = at
        self.line = "\(body) mac=\(hex(try AuditCheckpoint.seal(body, key: key)))"
    }

    static let sealedPrefix = "\(magic) \(version) sealed="
    /// The plain line is padded to this many bytes before sealing, so every sealed line has one length.
    static let sealedLength = 240

    static func sealingKey(_ key: SecureBytes) throws -> SecureBytes {
        SecureBytes(try HMAC.sha256(key: key, message: Array("candor/audit-checkpoint-seal/v1".utf8)))
    }

    /// The line as it is mailed: encrypted under a key derived from the audit key, one fixed
    /// length. Whoever reads the mailbox learns neither the count (which moves with activity
    /// and could tell that a report came in) nor anything else; the auditor pastes it back.
    func sealed(key: SecureBytes) throws -> String {
        var plain = Array(line.utf8)
        plain += [UInt8](repeating: 0x20, count: max(0, AuditCheckpoint.sealedLength - plain.count))
        return AuditCheckpoint.sealedPrefix + hex(try AESGCM.seal(plain, key: try AuditCheckpoint.sealingKey(key),
                                                                  associatedData: Array(AuditCheckpoint.sealedPrefix.utf8)))
    }

    /// Reads a pasted or stored line, plain or sealed; throws `Damaged` unless it is well formed
    /// and its MAC matches.
    static func read(_ text: String, key: SecureBytes) throws -> AuditCheckpoint {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.hasPrefix(sealedPrefix) else { return try readPlain(trimmed, key: key) }
        guard let box = KeyFolder.decodeHex(String(trimmed.dropFirst(sealedPrefix.count))),
              let plain = try? AESGCM.open(box, key: try sealingKey(key), associatedData: Array(sealedPrefix.utf8)) else {
            throw Damaged(reason: "the sealed line does not open with this server's audit key (a copying mistake, or not from this server)")
        }
        return try readPlain(String(decoding: plain, as: UTF8.self).trimmingCharacters(in: .whitespaces), key: key)
    }

    static func readPlain(_ line: String, key: SecureBytes) throws -> AuditCheckpoint {
        guard let macRange = line.range(of: " mac=", options: .backwards) else { throw Damaged(reason: "no mac= field") }
        let body = String(line[..<macRange.lowerBound])
        guard let mac = KeyFolder.decodeHex(String(line[macRange.upperBound...])), mac.count == 32 else {
            throw Damaged(reason: "the mac= field is not 64 hex digits")
        }
        guard ConstantTime.equals(mac, try seal(body, key: key)) else {
            throw Damaged(reason: "its MAC does not match (a copying mistake, or not a checkpoint of this log)")
        }
        // Only lines this server sealed get here; the fields are still checked, not trusted.
        let words = body.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        guard words.count == 5, words[0] == magic, words[1] == version,
              let count = field(words[2], "count").flatMap(Int64.init), count >= 0,
              let head = field(words[3], "head").flatMap(KeyFolder.decodeHex), head.count == 32,
              let at = field(words[4], "at").flatMap(parseUTC) else {
            throw Damaged(reason: "not a \(magic) \(version) line")
        }
        return AuditCheckpoint(count: count, head: head, at: at, line: line)
    }

    private init(count: Int64, head: [UInt8], at: Int64, line: String) {
        self.count = count
        self.head = head
        self.at = at
        self.line = line
    }

    private static func field(_ word: String, _ name: String) -> String? {
        word.hasPrefix(name + "=") ? String(word.dropFirst(name.count + 1)) : nil
    }

    /// `2026-12-02T10:00:00Z`, whatever the server's zone.
    static func utc(_ seconds: Int64) -> String {
        var t = time_t(seconds)
        var parts = tm()
        gmtime_r(&t, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
                      Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
    }

    static func parseUTC(_ text: String) -> Int64? {
        let c = Array(text.utf8)
        guard c.count == 20, c[4] == 0x2D, c[7] == 0x2D, c[10] == 0x54, c[13] == 0x3A, c[16] == 0x3A, c[19] == 0x5A else { return nil }
        func number(_ from: Int, _ to: Int) -> Int32? { Int32(String(decoding: c[from..<to], as: UTF8.self)) }
        guard let year = number(0, 4), let month = number(5, 7), let day = number(8, 10),
              let hour = number(11, 13), let minute = number(14, 16), let second = number(17, 19) else { return nil }
        var parts = tm()
        (parts.tm_year, parts.tm_mon, parts.tm_mday) = (year - 1900, month - 1, day)
        (parts.tm_hour, parts.tm_min, parts.tm_sec) = (hour, minute, second)
        let seconds = Int64(timegm(&parts))
        // timegm normalises 2026-02-31 into March: only a date written as it reads back is one.
        return utc(seconds) == text ? seconds : nil
    }
}

extension AuditLog {
    /// The chain walked to its end: how many entries, the last MAC, and the MAC of entry
    /// `marked` when the walk passed it.
    struct Walk: Sendable {
        var count: Int64 = 0
        var head: [UInt8] = AuditLog.genesis
        var marked: [UInt8]?
    }

    func walk(_ db: Database, marking mark: Int64? = nil) throws -> Result<Walk, Break> {
        var walk = Walk()
        if mark == 0 { walk.marked = AuditLog.genesis }
        // The oldest key first; a rotation entry hands the chain to the next (AuditKeyRotation.swift).
        var macKey = retired.first ?? key
        let statement = try db.prepare("SELECT id, at, actor, action, case_ref, detail, mac FROM audit_log ORDER BY id")
        for row in try statement.rows() {
            let entry = try Entry(row: row)
            let expectedID = walk.count + 1
            guard entry.id == expectedID else {
                return .failure(Break(entryID: expectedID, reason: entry.id > expectedID ? "entries \(expectedID)–\(entry.id - 1) are missing" : "entry out of order"))
            }
            let mac = try row.required([UInt8].self, "mac", table: "audit_log")
            let expected = try self.mac(previous: walk.head, id: entry.id, at: entry.at, actor: entry.actor, action: entry.action,
                                        caseRef: entry.caseRef, detail: entry.detail, under: macKey)
            guard ConstantTime.equals(mac, expected) else {
                return .failure(Break(entryID: entry.id, reason: "the entry was altered, or an entry before it was"))
            }
            if entry.action == AuditLog.rotationAction {
                guard let next = try nextKey(after: entry) else {
                    return .failure(Break(entryID: entry.id, reason: "the audit key was rotated here to a key that is not in Keys/ (audit.key or audit.key.retired-N)"))
                }
                macKey = next
            }
            walk.head = mac
            walk.count = entry.id
            if entry.id == mark { walk.marked = mac }
        }
        return .success(walk)
    }

    /// The chain, and that it still reaches the checkpoint's entry with the checkpoint's MAC.
    func verify(_ db: Database, against checkpoint: AuditCheckpoint) throws -> Result<Int, Break> {
        let walk: Walk
        switch try self.walk(db, marking: checkpoint.count) {
        case .failure(let broken): return .failure(broken)
        case .success(let w): walk = w
        }
        let taken = AuditCheckpoint.utc(checkpoint.at)
        guard let marked = walk.marked else {
            return .failure(Break(entryID: walk.count + 1, reason:
                "the log ends at entry \(walk.count), but the checkpoint of \(taken) counted \(checkpoint.count) entries: entries \(walk.count + 1)–\(checkpoint.count) were cut off", kind: .cutBelow(checkpointCount: checkpoint.count)))
        }
        guard ConstantTime.equals(marked, checkpoint.head) else {
            return .failure(Break(entryID: checkpoint.count, reason:
                "entry \(checkpoint.count) is not the one the checkpoint of \(taken) recorded: the log was rewritten at or before it", kind: .rewritten))
        }
        return .success(Int(walk.count))
    }
}

extension Ledger {
    /// A checkpoint of the audit log as it is now, to keep outside the server. Walks the whole
    /// chain first and throws its `AuditLog.Break` if it is broken: a broken log is never
    /// certified as a good one.
    public func auditCheckpoint() throws -> AuditCheckpoint {
        let now = clock()
        return try pool.read { [audit] db in
            switch try audit.walk(db) {
            case .failure(let broken): throw broken
            case .success(let walk): return try AuditCheckpoint(count: walk.count, head: walk.head, at: now, key: audit.key)
            }
        }
    }

    /// A checkpoint of the log as it is now, sealed for mail (see `AuditCheckpoint.sealed`):
    /// `readAuditCheckpoint` opens it again. Throws the `AuditLog.Break` of a broken log.
    public func sealedAuditCheckpoint() throws -> (checkpoint: AuditCheckpoint, sealed: String) {
        let checkpoint = try auditCheckpoint()
        return (checkpoint, try checkpoint.sealed(key: audit.key))
    }

    /// Reads a checkpoint line, plain or sealed (pasted or from a file); throws `AuditCheckpoint.Damaged` unless
    /// it is well formed and its MAC under this server's audit key matches.
    public func readAuditCheckpoint(_ text: String) throws -> AuditCheckpoint {
        // A checkpoint taken before a rotation carries the MAC of the key then in force.
        for retired in audit.retired.reversed() {
            if let read = try? AuditCheckpoint.read(text, key: retired) { return read }
        }
        return try AuditCheckpoint.read(text, key: audit.key)
    }

    /// Verifies the whole chain and that entry `checkpoint.count` exists with the checkpoint's
    /// MAC: a log cut below the checkpoint, or a tail deleted and re-chained, is a `Break`.
    public func verifyAudit(against checkpoint: AuditCheckpoint) throws -> Result<Int, AuditLog.Break> {
        try pool.read { [audit] db in try audit.verify(db, against: checkpoint) }
    }
}

/// The daily checkpoint mail's bookkeeping. Which auditor got which day's checkpoint is itself an
/// audit entry (`audit_checkpoint_mailed`), so the log records where its copies went, and a
/// restart or a second pass the same day sends nothing twice.
extension Ledger {
    /// Active auditor accounts with an address: the checkpoint is a control, not a notice, so it
    /// goes whatever their notice preference.
    public func auditCheckpointRecipients() throws -> [(accountID: Int64, email: String)] {
        try pool.read { db in
            try db.query("SELECT id, email FROM accounts WHERE role = 'auditor' AND disabled = 0 AND email IS NOT NULL ORDER BY id")
                .map { (try $0.required(Int64.self, "id", table: "accounts"), try $0.required(String.self, "email", table: "accounts")) }
        }
    }

    /// Whether the checkpoint of day `day` (an ordinal of `Day`) was already mailed to the account.
    public func auditCheckpointMailed(accountID: Int64, day: Int) throws -> Bool {
        try pool.read { db in
            try db.scalar("SELECT count(*) FROM audit_log WHERE action = 'audit_checkpoint_mailed' AND detail = ?",
                          [.text(AuditCheckpoint.mailedDetail(accountID: accountID, day: day))], as: Int.self) ?? 0 > 0
        }
    }

    /// Records, committed on return, that day `day`'s checkpoint went to the account.
    public func recordAuditCheckpointMailed(accountID: Int64, day: Int) throws {
        let now = clock()
        _ = try pool.write { [audit] db in
            try audit.append(db, actor: "system:notices", action: "audit_checkpoint_mailed",
                             detail: AuditCheckpoint.mailedDetail(accountID: accountID, day: day), at: now)
        }
    }
}

extension AuditCheckpoint {
    static func mailedDetail(accountID: Int64, day: Int) -> String { "account=\(accountID) day=\(day)" }
}
