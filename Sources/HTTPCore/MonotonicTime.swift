import Glibc

/// A point on CLOCK_MONOTONIC: deadlines must not move when the wall clock is set.
struct MonotonicTime: Sendable, Comparable {
    var nanoseconds: Int64

    static func now() -> MonotonicTime {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return MonotonicTime(nanoseconds: Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec))
    }

    static let distantFuture = MonotonicTime(nanoseconds: Int64.max / 2)

    func adding(seconds: Double) -> MonotonicTime {
        MonotonicTime(nanoseconds: nanoseconds + Int64(seconds * 1e9))
    }

    /// Milliseconds left, rounded up so poll never wakes just before the deadline; -1 for none.
    func pollTimeout() -> Int32 {
        if self >= MonotonicTime.distantFuture { return -1 }
        let left = nanoseconds - MonotonicTime.now().nanoseconds
        if left <= 0 { return 0 }
        return Int32(min((left + 999_999) / 1_000_000, Int64(Int32.max)))
    }

    static func < (a: MonotonicTime, b: MonotonicTime) -> Bool { a.nanoseconds < b.nanoseconds }
}
