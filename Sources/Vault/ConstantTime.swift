import COpenSSL

/// Comparisons whose running time does not depend on where two secrets differ.
public enum ConstantTime {
    /// True when `a` and `b` hold the same bytes. Compared with CRYPTO_memcmp; collections of
    /// different lengths are unequal at once, since lengths are not treated as secret.
    public static func equals<A: Collection, B: Collection>(_ a: A, _ b: B) -> Bool
    where A.Element == UInt8, B.Element == UInt8 {
        guard a.count == b.count else { return false }
        if a.isEmpty { return true }
        return withContiguousBytes(a) { pa in
            withContiguousBytes(b) { pb in
                CRYPTO_memcmp(pa.baseAddress!, pb.baseAddress!, pa.count) == 0
            }
        }
    }

    static func equals(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        guard a.count == b.count else { return false }
        if a.count == 0 { return true }
        return CRYPTO_memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0
    }

    /// True when every byte of `bytes` is zero, without stopping at the first non-zero byte.
    static func isAllZero(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var accumulator: UInt8 = 0
        for byte in bytes { accumulator |= byte }
        return accumulator == 0
    }

    private static func withContiguousBytes<C: Collection, R>(
        _ c: C, _ body: (UnsafeRawBufferPointer) -> R
    ) -> R where C.Element == UInt8 {
        if let result = c.withContiguousStorageIfAvailable({ body(UnsafeRawBufferPointer($0)) }) {
            return result
        }
        let copy = Array(c)
        return copy.withUnsafeBytes(body)
    }
}
