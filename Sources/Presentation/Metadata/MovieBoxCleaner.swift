/// Cleans a buffered `moov` box (ISO/IEC 14496-12 §8.2; QuickTime File Format "Movie atom") of
/// what a phone or camera writes about where, when and with what a video was recorded:
///
/// - `udta` (§8.10.1) in `moov`, `trak`, `mdia` and `minf`: Apple's `©xyz` ISO 6709 location,
///   `©mak`/`©mod` make and model, `©swr` software, `©day` date, `XMP_`, iTunes-style `meta/ilst`;
/// - `meta` (§8.11.1) at the same levels: QuickTime `keys`/`ilst` with
///   `com.apple.quicktime.location.ISO6709`, `.make`, `.model`, `.software`, `.creationdate`;
/// - `uuid` boxes at those levels (XMP, Sony and Canon vendor blocks with their own Exif and GPS);
/// - the creation and modification times of `mvhd`, `tkhd` and `mdhd` (§8.2.2, §8.3.2, §8.4.2),
///   set to 0.
///
/// Tracks that are themselves location data are refused rather than half cleaned: a sample
/// description `gpmd` (GoPro GPMF telemetry) or `camm` (camera motion metadata with GPS) lives in
/// `mdat`, outside the box, so the whole file is stored as sent and the reporter warned.
///
/// Removing boxes shrinks `moov`. Chunk offsets (`stco`, `co64`, §8.7.5) are absolute file
/// positions: those pointing past the original `moov` (media data stored after it, the "fast
/// start" layout) are lowered by the number of bytes removed; those before it (`mdat` first, the
/// usual camera layout) stay. An offset into `moov` itself is refused. Fragmented files (`mvex`
/// present, §8.8) and HEIF image sequences may hold absolute offsets elsewhere (`tfhd`, `iloc`),
/// so there nothing moves: removed boxes become `free` boxes of the same size, zero-filled.
///
/// Only a fixed path of containers is entered (`moov`/`trak`/`mdia`/`minf`/`stbl`/`edts`), so the
/// recursion is at most 5 deep whatever the file says.
struct MovieBoxCleaner: Sendable {
    /// Keep every size; blank instead of remove.
    var inPlace: Bool

    private static let descend: Set<UInt32> = [fourCC("moov"), fourCC("trak"), fourCC("mdia"), fourCC("minf"), fourCC("stbl"), fourCC("edts")]
    private static let removable: Set<UInt32> = [fourCC("udta"), fourCC("meta"), fourCC("uuid")]
    private static let removableIn: Set<UInt32> = [fourCC("moov"), fourCC("trak"), fourCC("mdia"), fourCC("minf")]
    private static let timed: Set<UInt32> = [fourCC("mvhd"), fourCC("tkhd"), fourCC("mdhd")]
    static let telemetryEntries: Set<UInt32> = [fourCC("gpmd"), fourCC("camm")]

    /// `moov` is the whole box as it appeared at `fileOffset`. Returns the cleaned box.
    func clean(_ moov: [UInt8], fileOffset: UInt64) throws -> [UInt8] {
        let root = try ISOBox.read(moov, at: 0, limit: moov.count)
        let fragmented = try ISOBox.children(moov, from: root.payloadStart, to: root.end).contains { $0.type == fourCC("mvex") }
        let cleaner = MovieBoxCleaner(inPlace: inPlace || fragmented)
        var out = try cleaner.rewrite(moov, root, depth: 0)
        let removed = moov.count - out.count
        if removed > 0 {
            let top = try ISOBox.read(out, at: 0, limit: out.count)
            try Self.shiftChunkOffsets(&out, top, moovStart: fileOffset, moovEnd: fileOffset + UInt64(moov.count),
                                       by: UInt64(removed), depth: 0)
        }
        return out
    }

    private func rewrite(_ b: [UInt8], _ box: ISOBox, depth: Int) throws -> [UInt8] {
        if Self.timed.contains(box.type) { return try Self.zeroTimes(b, box) }
        if box.type == fourCC("stsd") { try Self.refuseTelemetry(b, box) }
        guard Self.descend.contains(box.type), depth < 6 else { return Array(b[box.start ..< box.end]) }
        var body: [UInt8] = []
        for child in try ISOBox.children(b, from: box.payloadStart, to: box.end) {
            if Self.removableIn.contains(box.type), Self.removable.contains(child.type) {
                if inPlace { body += Self.blanked(child) }
            } else {
                body += try rewrite(b, child, depth: depth + 1)
            }
        }
        return box.header(size: box.headerSize + body.count) + body
    }

    /// The same number of bytes as `box`: a `free` box (§8.1.2) of zeros.
    static func blanked(_ box: ISOBox) -> [UInt8] {
        box.header(size: box.size, type: fourCC("free")) + [UInt8](repeating: 0, count: box.size - box.headerSize)
    }

    /// mvhd, tkhd, mdhd all start with version/flags, then creation_time and modification_time,
    /// 32-bit in version 0 and 64-bit in version 1.
    private static func zeroTimes(_ b: [UInt8], _ box: ISOBox) throws -> [UInt8] {
        var out = Array(b[box.start ..< box.end])
        let p = box.headerSize
        guard out.count >= p + 4 else { throw ISOBoxError("\(fourCCString(box.type)) too short", at: box.start) }
        let width = out[p] == 1 ? 8 : 4
        guard out.count >= p + 4 + 2 * width else { throw ISOBoxError("\(fourCCString(box.type)) too short", at: box.start) }
        for k in p + 4 ..< p + 4 + 2 * width { out[k] = 0 }
        return out
    }

    /// stsd (§8.5.2): version/flags, entry_count, then one sample entry box per entry.
    private static func refuseTelemetry(_ b: [UInt8], _ box: ISOBox) throws {
        let from = box.payloadStart + 8
        guard from <= box.end else { throw ISOBoxError("stsd too short", at: box.start) }
        for entry in try ISOBox.children(b, from: from, to: box.end) where telemetryEntries.contains(entry.type) {
            throw ISOBoxError("a \(fourCCString(entry.type)) telemetry track (location samples in mdat)", at: entry.start,
                              unsupported: true)
        }
    }

    /// Lowers by `delta` every stco/co64 entry that points at or past `moovEnd`.
    private static func shiftChunkOffsets(_ b: inout [UInt8], _ box: ISOBox, moovStart: UInt64, moovEnd: UInt64,
                                          by delta: UInt64, depth: Int) throws {
        if box.type == fourCC("stco") || box.type == fourCC("co64") {
            try shiftTable(&b, box, width: box.type == fourCC("stco") ? 4 : 8, moovStart: moovStart, moovEnd: moovEnd, by: delta)
            return
        }
        guard descend.contains(box.type), depth < 6 else { return }
        for child in try ISOBox.children(b, from: box.payloadStart, to: box.end) {
            try shiftChunkOffsets(&b, child, moovStart: moovStart, moovEnd: moovEnd, by: delta, depth: depth + 1)
        }
    }

    /// stco/co64: version/flags, entry_count, then entry_count offsets of `width` bytes.
    private static func shiftTable(_ b: inout [UInt8], _ box: ISOBox, width: Int, moovStart: UInt64, moovEnd: UInt64,
                                   by delta: UInt64) throws {
        var r = ISOFieldReader(b: b, i: box.payloadStart + 4, end: box.end)
        let count = try r.uint(4)
        guard count <= UInt64((box.end - r.i) / width) else {
            throw ISOBoxError("\(fourCCString(box.type)) lists more entries than it holds", at: box.start)
        }
        for k in 0 ..< Int(count) {
            let at = r.i + k * width
            let offset = readUInt(b, at, width)
            if offset >= moovEnd {
                writeUInt(&b, at, width, offset - delta)
            } else if offset >= moovStart {
                throw ISOBoxError("a chunk offset points into the moov box", at: at)
            }
        }
    }
}
