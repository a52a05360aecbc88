/// CRC-32 as the PNG specification defines it for chunk checksums (PNG spec, 3rd ed., 5.5 and
/// Annex D): the ISO 3309 / ITU-T V.42 polynomial x^32+x^26+…+1, reflected (0xEDB88320), register
/// preset to all ones and complemented at the end. Incremental so a chunk's data can be checked
/// while it streams through instead of being buffered.
struct CRC32: Sendable {
    /// One entry per byte value, as in the spec's sample code; computed once per process.
    static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 {
            c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1
        }
        return c
    }

    private var register: UInt32 = 0xFFFF_FFFF

    init() {}

    mutating func update(_ bytes: UnsafeBufferPointer<UInt8>) {
        var c = register
        Self.table.withUnsafeBufferPointer { t in
            for b in bytes {
                c = t[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8)
            }
        }
        register = c
    }

    mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { update($0) }
    }

    var value: UInt32 { register ^ 0xFFFF_FFFF }

    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var crc = CRC32()
        crc.update(bytes)
        return crc.value
    }
}
