import Foundation
import Glibc

/// Bounds how many scrypt derivations run at once. Each derivation at N=2^14, r=8 needs 16 MiB;
/// with one thread per connection, 32 reporters submitting at once would otherwise hold 32 such
/// buffers on 2 cores — no faster (the cores are the limit) and 8 times the memory. Submissions
/// wait for a slot (nothing is refused: a report must get in); lookups have their own gate
/// (`LookupGate`), which refuses instead of queueing without bound.
final class KDFGate: Sendable {
    private let slots: DispatchSemaphore

    init(slots: Int = max(1, ProcessInfo.processInfo.activeProcessorCount)) {
        self.slots = DispatchSemaphore(value: slots)
    }

    func run<T>(_ body: () throws -> T) rethrows -> T {
        slots.wait()
        defer { slots.signal() }
        return try body()
    }
}
