import Casework
import Foundation
import SQLiteDB
import Synchronization
import Vault

/// A reporter who entered a valid tracking code: the case and its channel key (never the internal
/// key: the reporter holds none), held in server memory for a short session. The code itself is
/// not kept.
public struct ReporterCase: Sendable {
    let caseID: Int64
    let ref: String
    let channelKey: ChannelKey
    /// The grant is a two-key case's: its channel seal must be there and hold (`CaseSeal`).
    let split: Bool
}

/// Bounds the work tracking-code lookups can claim. Derivations run on `slots` worker threads at
/// the lowest scheduling priority (nice +19), so a flood of wrong codes takes only the CPU that
/// submissions and staff leave idle; at most `queue` lookups wait, and beyond that a lookup is
/// answered "busy, try again" at once. A correct code waits at most `queue / slots` derivations,
/// and longer only while the machine is busy with reports, which come first.
final class LookupGate: Sendable {
    /// The shared state the workers hold; the gate closes it when it goes away.
    private final class Queue: Sendable {
        let jobs = Mutex<(pending: [@Sendable () -> Void], closed: Bool)>(([], false))
        let ready = DispatchSemaphore(value: 0)
    }

    private let queue = Queue()
    private let admitted = Atomic<Int>(0)
    private let started = Atomic<Bool>(false)
    let slots: Int
    let queueLimit: Int
    let nice: Int32
    /// Seconds a refused lookup waits before it is answered.
    let tarpit: Double

    init(slots: Int, queue: Int, nice: Int32 = 19, tarpit: Double = 0) {
        self.slots = max(1, slots)
        queueLimit = queue
        self.nice = nice
        self.tarpit = tarpit
    }

    deinit {
        queue.jobs.withLock { $0.closed = true }
        for _ in 0..<slots { queue.ready.signal() }
    }

    struct Busy: Error {}

    private func startWorkers() {
        guard !started.exchange(true, ordering: .acquiring) else { return }
        for _ in 0..<slots {
            let q = queue, nice = self.nice
            let thread = Thread {
                // On Linux the nice value is per thread and `who` 0 is the calling thread: only this worker is deprioritised.
                _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, nice)
                while true {
                    q.ready.wait()
                    let next = q.jobs.withLock { state -> (@Sendable () -> Void)? in
                        state.closed || state.pending.isEmpty ? nil : state.pending.removeFirst()
                    }
                    guard let job = next else {
                        if q.jobs.withLock({ $0.closed }) { return }
                        continue
                    }
                    job()
                }
            }
            thread.stackSize = 256 * 1024
            thread.start()
        }
    }

    func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) throws -> T {
        let ahead = admitted.wrappingAdd(1, ordering: .relaxed).oldValue
        defer { admitted.wrappingSubtract(1, ordering: .relaxed) }
        guard ahead < queueLimit + slots else { throw Busy() }
        startWorkers()
        let done = DispatchSemaphore(value: 0)
        let result = Mutex<Result<T, any Error>?>(nil)
        // The worker is a plain thread: a tally counting this lookup's derivations goes with it.
        let tally = ScryptTally.current
        queue.jobs.withLock { $0.pending.append {
            let r = ScryptTally.$current.withValue(tally) { Result { try body() } }
            result.withLock { $0 = r }
            done.signal()
        } }
        queue.ready.signal()
        done.wait()
        return try result.withLock { $0! }.get()
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
    /// Opens a case with a tracking code. A wrong code costs one HMAC and one indexed query
    /// (`LookupPrefilter`): only a code whose 32-bit tag matches a case's, or any code while
    /// cases from before the prefilter remain, goes through the scrypt gate, one derivation per
    /// cost those cases were made with (`lookupCosts(for:)`). So a flood of wrong codes leaves the
    /// gate to the codes that may open something, and a right code gets through. A wrong code
    /// and an unknown code get the same answer; by time, a lookup tells only whether its code
    /// passed the prefilter. A code made before the cost was raised still opens its case.
    public func openCase(code input: String, gate: LookupGateHandle) throws -> Result<ReporterCase, LookupFailure> {
        let code: TrackingCode
        do { code = try TrackingCode(parsing: input) } catch { return .failure(.mistyped) }
        let filter = try LookupPrefilter.of(code: code, pepper: keys.pepper)
        let candidates = try pool.read { db in try filter.candidates(db) }
        // Almost every wrong code ends here, before the gate: no derivation, no queue.
        guard !candidates.isEmpty, !gate.misses.isKnown(filter.key, candidates: candidates) else { return .failure(.notFound) }
        let costs = try lookupCosts(for: candidates)
        let derived: [TrackingKeys]
        do {
            let pepper = keys.pepper
            derived = try gate.gate.run { try costs.map { try TrackingKeys.derive(code: code, pepper: pepper, parameters: $0) } }
        } catch is LookupGate.Busy {
            // A tarpit: the refused request holds its connection idle for a moment before the
            // answer. A sleeping thread costs no CPU, and a flood on N connections can then ask
            // at most N times a second, so the work it claims is bounded by its connections,
            // not by its speed. A person who meets it just waits a second longer.
            if gate.gate.tarpit > 0 { usleep(UInt32(gate.gate.tarpit * 1_000_000)) }
            return .failure(.busy)
        }
        let lookupIDs = derived.map(\.lookupID)
        // Every id is looked up, hit or not, so the number of queries says nothing either.
        let rows = try pool.read { db in try lookupIDs.map { try Grants.reporterGrant(db, lookupID: $0) } }
        guard let index = rows.firstIndex(where: { $0 != nil }), let (caseID, ref, sealed) = rows[index] else {
            _ = try? Grants.openChannelKey(Ledger.dummyGrant, ref: "0", reporterKey: derived[0].reporterKey)
            gate.misses.record(filter.key, candidates: candidates)
            return .failure(.notFound)
        }
        guard let opened = try? Grants.openChannelKey(sealed, ref: ref, reporterKey: derived[index].reporterKey) else {
            return .failure(.notFound)
        }
        if candidates.contains(where: { $0.caseID == caseID && !$0.tagged }) { try storeLookupTag(filter.tag, caseID: caseID) }
        return .success(ReporterCase(caseID: caseID, ref: ref, channelKey: opened.key, split: opened.split))
    }

    /// True while the case a reporter's session opened exists unpurged. The reporter's pages ask
    /// before each request, so a purge ends the case's sessions whichever process ran it.
    public func reporterCaseIsOpen(_ reporter: ReporterCase) throws -> Bool {
        let caseID = reporter.caseID
        return try pool.read { db in
            try db.queryOne("SELECT 1 AS live FROM cases WHERE id = ? AND purged_day IS NULL AND lookup_id IS NOT NULL", [.integer(caseID)]) != nil
        }
    }

    /// At most this many tracking-code costs are tried per lookup: costs change rarely, and a
    /// database writer who adds costs must not make every lookup unboundedly slow.
    static let maximumLookupCosts = 4

    /// The cost new codes get (the settings') and every cost a live code was made with, in a
    /// fixed order (a lookup derives only its candidates' costs: `lookupCosts(for:)`). A stored cost that does not parse, or more than `maximumLookupCosts`, refuses
    /// every lookup loudly rather than orphaning codes silently.
    func lookupCosts() throws -> [ScryptParameters] {
        var costs = [try TrackingKeys.parameters(settings.trackingCodeCost)]
        let stored = try pool.read { db in
            try db.query("SELECT DISTINCT lookup_params FROM cases WHERE lookup_id IS NOT NULL AND lookup_params IS NOT NULL")
                .map { try $0.required(String.self, "lookup_params", table: CaseRow.table) }
        }
        for encoded in stored {
            let cost = try ScryptParameters(encoded: encoded)
            if !costs.contains(cost) { costs.append(cost) }
        }
        guard costs.count <= Ledger.maximumLookupCosts else {
            throw ActionRefused(description: "More than \(Ledger.maximumLookupCosts) tracking-code costs are in use; lookups are refused.")
        }
        return costs.sorted { $0.encoded < $1.encoded }
    }

    static let dummyGrant = [UInt8](repeating: 1, count: 1 + 12 + 32 + 16)
}

/// The gate as the server holds it, with the codes known to open nothing: one per process.
public final class LookupGateHandle: Sendable {
    let gate: LookupGate
    let misses = LookupMisses()
    public init(slots: Int = 1, queue: Int = 8, tarpit: Double = 0) { gate = LookupGate(slots: slots, queue: queue, tarpit: tarpit) }
}
