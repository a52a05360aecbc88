/// The box syntax of ISO/IEC 14496-12 §4.2 (ISO base media file format: MP4, MOV, 3GP, HEIF/HEIC,
/// AVIF), read from a byte buffer: a 32-bit big-endian size counting the whole box, a four-letter
/// type, a 64-bit size after the type when the 32-bit size is 1, and "to the end of the
/// enclosing container" when it is 0. Every size is checked against the bytes that hold it, so a
/// hostile file can make a read fail but never reach outside the buffer.
struct ISOBox: Sendable, Equatable {
    let type: UInt32
    /// Offset of the box's first byte in the buffer it was read from.
    let start: Int
    let headerSize: Int
    /// The whole box, header included.
    let size: Int

    var end: Int { start + size }
    var payloadStart: Int { start + headerSize }

    /// The box at `start`, which must end by `limit`.
    static func read(_ b: [UInt8], at start: Int, limit: Int) throws -> ISOBox {
        guard start >= 0, limit <= b.count, start <= limit - 8 else {
            throw ISOBoxError("a box header runs past its container", at: start)
        }
        let size32 = Int(readUInt(b, start, 4))
        let type = UInt32(readUInt(b, start + 4, 4))
        var headerSize = 8
        var size = size32
        if size32 == 1 {
            guard start <= limit - 16 else { throw ISOBoxError("a 64-bit box size runs past its container", at: start) }
            let large = readUInt(b, start + 8, 8)
            guard large <= UInt64(Int.max) else { throw ISOBoxError("box size \(large) is too large", at: start) }
            headerSize = 16
            size = Int(large)
        } else if size32 == 0 {
            size = limit - start
        }
        guard size >= headerSize, size <= limit - start else {
            throw ISOBoxError("box \(fourCCString(type)) has size \(size), outside its container", at: start)
        }
        return ISOBox(type: type, start: start, headerSize: headerSize, size: size)
    }

    /// The boxes laid end to end in `b[from ..< to]`; at most `maxCount`, so a container of empty
    /// boxes costs a bounded walk.
    static func children(_ b: [UInt8], from: Int, to: Int, maxCount: Int = 100_000) throws -> [ISOBox] {
        var boxes: [ISOBox] = []
        var i = from
        while i < to {
            guard boxes.count < maxCount else { throw ISOBoxError("more than \(maxCount) boxes in one container", at: i) }
            let box = try read(b, at: i, limit: to)
            boxes.append(box)
            i = box.end
        }
        return boxes
    }

    /// A header of the same shape (32- or 64-bit size) for the same box at a new size.
    func header(size newSize: Int, type newType: UInt32? = nil) -> [UInt8] {
        let t = newType ?? type
        if headerSize == 16 {
            return bigEndian(1, 4) + bigEndian(UInt64(t), 4) + bigEndian(UInt64(newSize), 8)
        }
        return bigEndian(UInt64(newSize), 4) + bigEndian(UInt64(t), 4)
    }
}

/// A structural fault found in a buffered box; `offset` is within that buffer.
struct ISOBoxError: Error, Sendable {
    let message: String
    let offset: Int
    let unsupported: Bool

    init(_ message: String, at offset: Int, unsupported: Bool = false) {
        self.message = message
        self.offset = offset
        self.unsupported = unsupported
    }
}

func fourCC(_ s: StaticString) -> UInt32 {
    s.withUTF8Buffer { b in b.reduce(UInt32(0)) { $0 << 8 | UInt32($1) } }
}

func fourCCString(_ t: UInt32) -> String {
    let bytes = [UInt8(t >> 24 & 0xFF), UInt8(t >> 16 & 0xFF), UInt8(t >> 8 & 0xFF), UInt8(t & 0xFF)]
    return String(bytes.map { (0x20 ... 0x7E).contains($0) ? Character(UnicodeScalar($0)) : "?" })
}

/// `width` bytes big-endian at `i`; the caller has checked `i + width <= b.count`.
func readUInt(_ b: [UInt8], _ i: Int, _ width: Int) -> UInt64 {
    var v: UInt64 = 0
    for k in 0 ..< width { v = v << 8 | UInt64(b[i + k]) }
    return v
}

func writeUInt(_ b: inout [UInt8], _ i: Int, _ width: Int, _ value: UInt64) {
    for k in 0 ..< width { b[i + k] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(width - 1 - k))) }
}

func bigEndian(_ value: UInt64, _ width: Int) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: width)
    writeUInt(&out, 0, width, value)
    return out
}

/// A cursor over `b[i ..< end]` for the fields of a box's payload; every read is bounds-checked.
struct ISOFieldReader {
    let b: [UInt8]
    var i: Int
    let end: Int

    mutating func uint(_ width: Int) throws -> UInt64 {
        guard width >= 0, width <= 8, i <= end - width else { throw ISOBoxError("a field runs past its box", at: i) }
        defer { i += width }
        return readUInt(b, i, width)
    }

    /// A NUL-terminated string (§4.2: UTF-8); a missing NUL ends at the box's end.
    mutating func string() -> [UInt8] {
        let from = i
        while i < end && b[i] != 0 { i += 1 }
        let s = Array(b[from ..< i])
        if i < end { i += 1 }
        return s
    }
}
