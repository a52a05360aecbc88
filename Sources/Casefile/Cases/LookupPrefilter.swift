import Casework
import SQLiteDB
import Synchronization
import Vault

/// Issue 16: a wrong tracking code must be cheap for the server, so that a flood of them cannot
/// keep a reporter's own code out of the scrypt gate. Each case stores a 32-bit tag of its code,
/// an HMAC under the pepper cut short (`lookup_tag`); a lookup computes the tag of the code it is
/// given and runs scrypt only for the cases whose tag it matches. With N cases a wrong code
/// matches some tag with probability about N / 2^32 (1 in 43,000 at 100,000 cases), so almost
/// every wrong code is answered after one HMAC and one indexed query.
///
/// What the tag gives away: without the pepper, nothing (it is a keyed HMAC). With the pepper, a
/// searcher drops a wrong code after one HMAC instead of one scrypt, and still has to try
/// 10^20 / 2 codes on average to find a given reporter's, at least 2^65.4 HMACs (README threat
/// model). By time, a lookup tells whether its code passed the prefilter (a derivation or not);
/// a passing wrong code is one that shares a tag with some case, which says nothing about any
/// code without the pepper, and whoever sent the code learns from the answer itself whether it
/// opened a case. The tag is not in the case's seal, like the lookup id beside it.
struct LookupPrefilter: Sendable {
    static let bits = 32
    /// The stored tag: the HMAC's first 32 bits, as a non-negative integer.
    let tag: Int64
    /// Other bits of the same HMAC: the key a known miss is remembered under (`LookupMisses`), so
    /// that the code itself is not kept even in memory.
    let key: [UInt8]

    static func of(code: TrackingCode, pepper: SecureBytes) throws -> LookupPrefilter {
        var mac = try HMAC.sha256(key: pepper, message: Array("candor/lookup-prefilter/v1|\(code.digits)".utf8))
        defer { SecureBytes.wipe(&mac) }
        let tag = mac[0..<4].reduce(Int64(0)) { $0 << 8 | Int64($1) }
        return LookupPrefilter(tag: tag, key: Array(mac[4..<20]))
    }

    /// The cases a code may open: those whose tag it matches, and every live case from before
    /// the prefilter (no tag yet; each gets its tag when its reporter next opens it). Both halves
    /// read the partial index on `lookup_tag`.
    func candidates(_ db: Database) throws -> [LookupCandidate] {
        try db.query("""
            SELECT id, lookup_params, lookup_tag FROM cases WHERE lookup_id IS NOT NULL AND lookup_tag = ?
            UNION ALL
            SELECT id, lookup_params, lookup_tag FROM cases WHERE lookup_id IS NOT NULL AND lookup_tag IS NULL
            ORDER BY id
            """, [.integer(tag)]).map { row in
            LookupCandidate(caseID: try row.required(Int64.self, "id", table: CaseRow.table),
                            params: try row.reader(table: CaseRow.table).optional("lookup_params"),
                            tagged: try row.reader(table: CaseRow.table).optional("lookup_tag", as: Int64.self) != nil)
        }
    }
}

/// A case a code's tag lets through to scrypt, with the cost its code was made with.
struct LookupCandidate: Hashable, Sendable {
    let caseID: Int64
    let params: String?
    let tagged: Bool
}

extension Ledger {
    /// The costs a lookup derives: each candidate's own (`lookupCosts` over the candidates, not
    /// every case), so a code made before the cost was raised still opens. A case with no stored
    /// cost predates costs: the floor and the settings' cost. Beyond `maximumLookupCosts` the
    /// lookup is refused before any derivation, as a database writer could otherwise add costs.
    func lookupCosts(for candidates: [LookupCandidate]) throws -> [ScryptParameters] {
        var costs: [ScryptParameters] = []
        for candidate in candidates {
            let own = try candidate.params.map { [try ScryptParameters(encoded: $0)] }
                ?? [TrackingKeys.parameters, try TrackingKeys.parameters(settings.trackingCodeCost)]
            for cost in own where !costs.contains(cost) { costs.append(cost) }
        }
        guard costs.count <= Ledger.maximumLookupCosts else {
            throw ActionRefused(description: "More than \(Ledger.maximumLookupCosts) tracking-code costs are in use; lookups are refused.")
        }
        return costs.sorted { $0.encoded < $1.encoded }
    }

    /// A case from before the prefilter gets its tag once its reporter opens it: such cases
    /// only become fewer, and each one left still sends every lookup to scrypt.
    func storeLookupTag(_ tag: Int64, caseID: Int64) throws {
        try pool.write { db in
            try db.execute("UPDATE cases SET lookup_tag = ? WHERE id = ? AND lookup_tag IS NULL", [.integer(tag), .integer(caseID)])
        }
    }
}

/// Codes that passed the prefilter, went through scrypt and opened nothing, remembered in
/// memory with the cases they were tried against. Without it, a flooder who found one such code
/// (by time: it takes a derivation) could send it again and again, each time costing scrypt.
/// A remembered miss is answered at once while the same cases are the candidates; a new case
/// with the same tag, or an old case that got its tag, makes the code derive again. At most
/// `capacity` are kept, the oldest dropped first: finding that many codes that pass takes about
/// capacity × 2^32 / N lookups (7 × 10^8 at 100,000 cases).
final class LookupMisses: Sendable {
    static let capacity = 16_384
    private struct State {
        var known: [[UInt8]: [LookupCandidate]] = [:]
        var order: [[UInt8]] = []
        var next = 0
    }

    private let state = Mutex(State())

    func isKnown(_ key: [UInt8], candidates: [LookupCandidate]) -> Bool {
        state.withLock { $0.known[key] == candidates }
    }

    func record(_ key: [UInt8], candidates: [LookupCandidate]) {
        state.withLock { s in
            if s.known.updateValue(candidates, forKey: key) != nil { return }
            if s.order.count < Self.capacity {
                s.order.append(key)
            } else {
                s.known[s.order[s.next]] = nil
                s.order[s.next] = key
                s.next = (s.next + 1) % Self.capacity
            }
        }
    }
}
