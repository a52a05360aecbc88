import Foundation
import SQLiteDB
import Vault

/// Authenticated state (DESIGN.md): what decides access or workflow in a case's plaintext rows
/// (strict confidentiality, approvals, state, capacities, every piece's metadata, the set of the
/// case's pieces and files, the reward's workflow) is bound to the case's keys by two sealed
/// records in the case row:
///
/// - `state_seal`, under the internal key: everything above. Only staff (and the recovery key)
///   can write it, on every change they make.
/// - `channel_seal`, under the channel key: the state the reporter is shown and the reporter's
///   channel (its pieces and files). The reporter writes it when they add a message or a file, so
///   the state seal need not be touched by someone who does not hold the internal key.
///
/// Before acting, both sides compare the rows with what they can open and refuse on any
/// difference, naming each check that failed; an UPDATE or DELETE by someone who can write to
/// the database but holds no key is detected, not obeyed. The records are rewritten inside the
/// transaction that changes the rows, after checking them, so a change made behind the ledger's
/// back is never folded into a fresh seal.
///
/// Not covered (README, threat model): putting back a whole earlier copy of a case's rows and
/// seals together is consistent by construction; the audit log's chain and checkpoints show it.
enum CaseSeal {
    /// One piece (blob) or file as bound: its kind, author and day. Not its sealed bytes: AES-GCM
    /// already binds them to the case, kind and slot, slots are never reused, and a piece damaged
    /// on disk is shown as damaged (FaultTests) rather than closing the whole case.
    struct Piece: Codable, Equatable {
        var kind: String
        var author: String
        var day: Int64
    }

    /// The bound state of a case at one moment.
    struct Record: Codable, Equatable {
        var version = 1
        var fields: [String: String]
        var assignments: [String]
        var blobs: [String: Piece]
        var attachments: [String: Piece]

        /// What the channel seal holds of it: the state the reporter is shown, and the channel's
        /// pieces and files.
        func channelPart() -> Record {
            Record(fields: fields.filter { CaseSeal.channelFields.contains($0.key) }, assignments: [],
                   blobs: blobs.filter { BlobKind(rawValue: $0.value.kind)?.isChannel == true },
                   attachments: attachments.filter { $0.value.kind == "reporter" })
        }
    }

    /// The case columns bound by the state seal: all but the lookup (the tracking code's id, which
    /// a purge clears), the purge day and the seals themselves.
    static let boundColumns = ["ref", "register_year", "register_seq", "channel", "category", "state", "outcome", "real_name",
                               "confidential", "received_day", "registered_day", "acceptance_notice_day", "feedback_day",
                               "closed_day", "approvals", "report_submitted_day", "sanction_recorded", "legal_hold"]
    /// The reward's workflow columns (its figures are sealed pieces, `reward_figures`).
    static let rewardColumns = ["state", "approvals", "claim_ref", "checked_by", "checked_at", "paid_day"]
    static let channelFields: Set<String> = ["cases.state", "cases.outcome"]

    // MARK: Reading the rows

    /// The rows of a case as they are now, in the form the seals hold.
    static func snapshot(_ db: Database, caseID: Int64) throws -> Record {
        var fields: [String: String] = [:]
        guard let row = try db.queryOne("SELECT \(boundColumns.joined(separator: ", ")) FROM cases WHERE id = ?", [.integer(caseID)]) else {
            throw CaseTampered(checks: ["cases: the case row is missing"])
        }
        for name in boundColumns { fields["cases." + name] = render(try row.value(named: name)) }
        if let reward = try db.queryOne("SELECT \(rewardColumns.joined(separator: ", ")) FROM rewards WHERE case_id = ?", [.integer(caseID)]) {
            for name in rewardColumns { fields["rewards." + name] = render(try reward.value(named: name)) }
        }
        // An identity request's state decides whether the head may still decide it (the requester
        // and the decision are in its sealed record).
        for row in try db.query("SELECT id, state, reason_slot FROM identity_requests WHERE case_id = ?", [.integer(caseID)]) {
            let r = row.reader(table: "identity_requests")
            fields["identity_requests.\(try r.required("id", as: Int64.self))"] = "t:" + (try r.required("state", as: String.self)) + "|" + (try r.required("reason_slot", as: String.self))
        }
        let assignments = try db.query("SELECT account_id, capacity FROM assignments WHERE case_id = ?", [.integer(caseID)]).map {
            "\(try $0.required(Int64.self, "account_id", table: "assignments")):\(try $0.required(String.self, "capacity", table: "assignments"))"
        }.sorted()
        var blobs: [String: Piece] = [:]
        for row in try db.query("SELECT \(BlobRow.columns()) FROM blobs WHERE case_id = ?", [.integer(caseID)]) {
            let blob = try BlobRow(row: row)
            blobs[blob.slot] = Piece(kind: blob.kind, author: blob.author, day: Int64(blob.day.ordinal))
        }
        var attachments: [String: Piece] = [:]
        for row in try db.query("SELECT file, author, internal, day FROM attachments WHERE case_id = ?", [.integer(caseID)]) {
            let r = row.reader(table: "attachments")
            attachments[try r.required("file")] = Piece(kind: try r.required("internal", as: Bool.self) ? "internal" : "reporter",
                                                        author: try r.required("author"), day: try r.required("day"))
        }
        return Record(fields: fields, assignments: assignments, blobs: blobs, attachments: attachments)
    }

    private static func render(_ value: SQLValue) -> String {
        switch value {
        case .null: return "null"
        case .integer(let n): return "i:\(n)"
        case .real(let x): return "r:\(x)"
        case .text(let t): return "t:" + t
        case .blob(let b): return "b:" + hex(b)
        }
    }

    // MARK: Writing

    /// Rewrites both seals from the rows as they are now: the last step of every change staff
    /// (or the recovery key, or intake) make to a case.
    static func write(_ db: Database, caseID: Int64, ref: String, keys: CaseKeys) throws {
        let now = try snapshot(db, caseID: caseID)
        let state = try keys.internal.withSecret { try AESGCM.seal(try JSONBytes.encode(now), key: $0, associatedData: stateAD(ref)) }
        let channel = try keys.channel.withSecret {
            try AESGCM.seal(try JSONBytes.encode(now.channelPart()), key: $0, associatedData: channelAD(ref))
        }
        try db.execute("UPDATE cases SET state_seal = ?, channel_seal = ? WHERE id = ?", [.blob(state), .blob(channel), .integer(caseID)])
    }

    /// Rewrites the channel seal after the reporter added to their channel; the state the
    /// reporter is shown is carried over from the seal they checked, never read from the row.
    static func writeChannel(_ db: Database, caseID: Int64, ref: String, channel key: ChannelKey, carrying checked: Record) throws {
        var part = try snapshot(db, caseID: caseID).channelPart()
        part.fields = checked.fields
        let sealed = try key.withSecret { try AESGCM.seal(try JSONBytes.encode(part), key: $0, associatedData: channelAD(ref)) }
        try db.execute("UPDATE cases SET channel_seal = ? WHERE id = ?", [.blob(sealed), .integer(caseID)])
    }

    // MARK: Checking

    /// Every check that fails for a staff holder, or none: both seals open and the rows are what
    /// they bind (pieces the reporter added since the state seal are bound by the channel seal).
    static func failures(_ db: Database, caseID: Int64, ref: String, keys: CaseKeys) throws -> [String] {
        let seals = try storedSeals(db, caseID: caseID)
        guard let sealedState = seals.state,
              let state = try? keys.internal.withSecret({ try JSONBytes.decode(Record.self, try AESGCM.open(sealedState, key: $0, associatedData: stateAD(ref))) })
        else { return ["state seal: missing or does not open"] }
        guard let sealedChannel = seals.channel,
              let channel = try? keys.channel.withSecret({ try JSONBytes.decode(Record.self, try AESGCM.open(sealedChannel, key: $0, associatedData: channelAD(ref))) })
        else { return ["channel seal: missing or does not open"] }
        let now = try snapshot(db, caseID: caseID)
        var failed = compare(fields: state.fields, now.fields)
        failed += compare(fields: channel.fields, now.channelPart().fields).filter { !failed.contains($0) }
        if state.assignments != now.assignments { failed.append("assignments: capacities differ from the seal") }
        failed += compare(sealed: [state.blobs, channel.blobs], now.blobs, what: "blobs")
        failed += compare(sealed: [state.attachments, channel.attachments], now.attachments, what: "attachments")
        return failed
    }

    /// The reporter's side: the channel seal opens and the state shown and the channel's pieces
    /// and files are what it binds. Returns the checked record, to carry over on a write.
    static func checkChannel(_ db: Database, caseID: Int64, ref: String, channel key: ChannelKey, required: Bool) throws -> Record? {
        guard let sealed = try storedSeals(db, caseID: caseID).channel else {
            if required { throw CaseTampered(checks: ["channel seal: missing"]) }
            return nil
        }
        guard let record = try? key.withSecret({ try JSONBytes.decode(Record.self, try AESGCM.open(sealed, key: $0, associatedData: channelAD(ref))) })
        else { throw CaseTampered(checks: ["channel seal: does not open"]) }
        let now = try snapshot(db, caseID: caseID).channelPart()
        let failed = compare(fields: record.fields, now.fields)
            + compare(sealed: [record.blobs], now.blobs, what: "blobs")
            + compare(sealed: [record.attachments], now.attachments, what: "attachments")
        guard failed.isEmpty else { throw CaseTampered(checks: failed) }
        return record
    }

    private static func storedSeals(_ db: Database, caseID: Int64) throws -> (state: [UInt8]?, channel: [UInt8]?) {
        guard let row = try db.queryOne("SELECT state_seal, channel_seal FROM cases WHERE id = ?", [.integer(caseID)]) else { return (nil, nil) }
        return (try row.blob("state_seal"), try row.blob("channel_seal"))
    }

    private static func compare(fields sealed: [String: String], _ now: [String: String]) -> [String] {
        Set(sealed.keys).union(now.keys).sorted().filter { sealed[$0] != now[$0] }.map { "\($0): differs from the seal" }
    }

    /// Pieces: each sealed one present and unchanged; each present one sealed by one of `sealed`.
    private static func compare(sealed: [[String: Piece]], _ now: [String: Piece], what: String) -> [String] {
        var failed: [String] = []
        for record in sealed {
            for (name, piece) in record.sorted(by: { $0.key < $1.key }) {
                guard let current = now[name] else { failed.append("\(what): a \(piece.kind) piece was deleted"); continue }
                if current != piece { failed.append("\(what): a \(piece.kind) piece was changed") }
            }
        }
        for (name, piece) in now.sorted(by: { $0.key < $1.key }) where !sealed.contains(where: { $0[name] != nil }) {
            failed.append("\(what): a \(piece.kind) piece was added outside Candor")
        }
        var seen = Set<String>()
        return failed.filter { seen.insert($0).inserted }
    }

    static func stateAD(_ ref: String) -> [UInt8] { Array("candor/state-seal/v1|\(ref)".utf8) }
    static func channelAD(_ ref: String) -> [UInt8] { Array("candor/channel-seal/v1|\(ref)".utf8) }
}

/// A case whose stored rows do not match its seals (`CaseSeal`): changed or deleted behind the
/// ledger's back. Nothing is done on it; the audit log records each refusal with the checks.
public struct CaseTampered: Error, Sendable, CustomStringConvertible {
    /// Each check that failed, e.g. "cases.confidential: differs from the seal",
    /// "blobs: a exclusions piece was deleted". Names columns and kinds, never content.
    public let checks: [String]
    public init(checks: [String]) { self.checks = checks }
    public var description: String { "the case's stored state does not match its seal: " + checks.joined(separator: "; ") }
}
