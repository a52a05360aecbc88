import COpenSSL

/// Randomness from the OpenSSL CSPRNG. A failure throws; there is never a weaker fallback.
public enum Random {
    /// `n` random bytes from `RAND_bytes`.
    public static func bytes(_ n: Int) throws -> [UInt8] {
        precondition(n >= 0, "Random.bytes: negative count")
        var out = [UInt8](repeating: 0, count: n)
        try out.withUnsafeMutableBytes { try fill($0) }
        return out
    }

    /// `n` random bytes held in wiped-on-release memory, for keys.
    public static func secureBytes(_ n: Int) throws -> SecureBytes {
        precondition(n >= 0, "Random.secureBytes: negative count")
        return try SecureBytes(count: n) { try fill($0) }
    }

    static func fill(_ buffer: UnsafeMutableRawBufferPointer) throws {
        var offset = 0
        // RAND_bytes takes an Int32 length, so very large requests go in pieces.
        while offset < buffer.count {
            let piece = min(buffer.count - offset, 1 << 30)
            let target = buffer.baseAddress!.advanced(by: offset).assumingMemoryBound(to: UInt8.self)
            guard RAND_bytes(target, Int32(piece)) == 1 else {
                secureWipe(buffer)
                throw VaultError.openSSL(operation: "random generation (RAND_bytes)",
                                         detail: OpenSSLErrors.drain())
            }
            offset += piece
        }
    }
}
