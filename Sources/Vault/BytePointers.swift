/// OpenSSL treats a NULL pointer as "no value" (or "keep the previous one") even with a zero
/// length, and an empty Swift array may have no address; these helpers always lend a real one.
func withNonNullBytes<R>(_ bytes: [UInt8], _ body: (UnsafePointer<UInt8>, Int) throws -> R) rethrows -> R {
    if bytes.isEmpty {
        var dummy: UInt8 = 0
        return try withUnsafePointer(to: &dummy) { try body($0, 0) }
    }
    return try bytes.withUnsafeBufferPointer { try body($0.baseAddress!, $0.count) }
}

func withNonNullBytes<R>(_ bytes: UnsafeRawBufferPointer, _ body: (UnsafePointer<UInt8>, Int) throws -> R) rethrows -> R {
    if let base = bytes.baseAddress, bytes.count > 0 {
        return try body(base.assumingMemoryBound(to: UInt8.self), bytes.count)
    }
    var dummy: UInt8 = 0
    return try withUnsafePointer(to: &dummy) { try body($0, 0) }
}

extension SecureBytes {
    /// Lends the secret as a typed, never-NULL pointer and its length.
    func withNonNullPointer<R>(_ body: (UnsafePointer<UInt8>, Int) throws -> R) rethrows -> R {
        try withExtendedLifetime(storage) {
            try body(UnsafePointer(storage.pointer.assumingMemoryBound(to: UInt8.self)), storage.count)
        }
    }
}
