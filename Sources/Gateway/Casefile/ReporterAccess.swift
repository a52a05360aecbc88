import Casework
import Foundation
import SQLiteDB
import Synchronization
import Vault

/// A reporter who entered a valid tracking code: the case and its key, held in server memory for
/// a short session. The code itself is not kept.
public struct ReporterCase: Sendable {
    let caseID: Int64
    let ref: String
    let caseKey: SecureBytes
}

/// Bounds the work tracking-code lookups can claim: at most `slots` derivations at once and at
/// most `queue` waiting. Beyond that a lookup is answered "busy, try again" at once, so a flood
/// of wrong codes can take the lookup slots but never the cores that submissions and staff need,
/// and a correct code waits at most `queue / slots` derivations.
final class LookupGate: Sendable {
    private let slots: DispatchSemaphore
    private let waiting = Atomic<Int>(0)
    let queueLimit: Int

    init(slots: Int, queue: Int) {
        self.slots = DispatchSemaphore(value: slots)
        queueLimit = queue
    }

    struct Busy: Error {}

    func run<T>(_ body: () throws -> T) throws -> T {
        let ahead = waiting.wrappingAdd(1, ordering: .relaxed).oldValue
        guard ahead < queueLimit else {
            waiting.wrappingSubtract(1, ordering: .relaxed)
            throw Busy()
        }
        slots.wait()
        waiting.wrappingSubtract(1, ordering: .relaxed)
        defer { slots.signal() }
        return try body()
    }
}

public enum LookupFailure: Error, Equatable, Sendable {
    /// The check digit failed: a typo, caught before any lookup.
    case mistyped
    /// No case opens with this code. Unknown and wrong codes are the same answer, after the
    /// same work.
    case notFound
    /// Too many lookups at once; try again shortly.
    case busy
}

extension Ledger {
    /// Opens a case with a tracking code. Every well-formed code costs one derivation and one
    /// indexed lookup whether or not it exists, and a miss runs a dummy unwrap, so a wrong code
    /// and an unknown code cannot be told apart by answer or by time.
    public func openCase(code input: String, gate: LookupGateHandle) throws -> Result<ReporterCase, LookupFailure> {
        let code: TrackingCode
        do { code = try TrackingCode(parsing: input) } catch { return .failure(.mistyped) }
        let derived: TrackingKeys
        do {
            derived = try gate.gate.run { try TrackingKeys.derive(code: code, pepper: keys.pepper) }
        } catch is LookupGate.Busy {
            return .failure(.busy)
        }
        let lookupID = derived.lookupID
        let row: (Int64, String, [UInt8])? = try pool.read { db in
            guard let row = try db.queryOne("""
                SELECT c.id, c.ref, g.sealed_key FROM cases c JOIN grants g ON g.case_id = c.id AND g.holder = 'reporter'
                WHERE c.lookup_id = ?
                """, [.blob(lookupID)]) else { return nil }
            return (try row.int64("id") ?? 0, try row.string("ref") ?? "", try row.blob("sealed_key") ?? [])
        }
        guard let (caseID, ref, sealed) = row else {
            _ = try? CaseCrypto.openReporterGrant(Ledger.dummyGrant, reporterKey: derived.reporterKey, ref: "0")
            return .failure(.notFound)
        }
        guard let caseKey = try? CaseCrypto.openReporterGrant(sealed, reporterKey: derived.reporterKey, ref: ref) else {
            return .failure(.notFound)
        }
        return .success(ReporterCase(caseID: caseID, ref: ref, caseKey: caseKey))
    }

    static let dummyGrant = [UInt8](repeating: 1, count: 1 + 12 + 32 + 16)
}

/// The gate as the server holds it: one per process.
public final class LookupGateHandle: Sendable {
    let gate: LookupGate
    public init(slots: Int = 1, queue: Int = 8) { gate = LookupGate(slots: slots, queue: queue) }
}
