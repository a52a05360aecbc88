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

public enum MemoryTuning {
    /// Fewer arenas keep many connection threads from each holding their own copy of scrypt's
    /// 16 MiB buffer; with the KDF gates, at most a few such buffers are ever live. (Forcing them
    /// into fresh mappings instead cost a page fault per 4 KiB on every derivation.)
    public static func apply() {
        // <malloc.h> is not part of Swift's Glibc module; mallopt is looked up by name instead.
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        _ = mallopt(-8, 2) // M_ARENA_MAX
    }
}
