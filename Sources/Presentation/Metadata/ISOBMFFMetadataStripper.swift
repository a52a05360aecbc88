/// Removes location and device metadata from ISO base media files (ISO/IEC 14496-12: MP4, MOV,
/// 3GP, M4A; HEIF/HEIC and AVIF photos, ISO/IEC 23008-12) as they stream, top-level box by box:
///
/// - `ftyp` is kept; its brands tell a HEIF file (heic, heix, mif1, msf1, avif, …) from a movie.
/// - `mdat` (media data, hundreds of MiB) streams through by count, never held; in a HEIF file
///   the Exif and XMP item bytes found through `meta` are zeroed as they pass.
/// - `moov` is held whole (up to `maxBufferedBox`) and cleaned by `MovieBoxCleaner`.
/// - `meta` of a HEIF file is held whole and its Exif/XMP items found by `HEIFMetaCleaner`.
/// - boxes a player needs for fragmented files (`moof`, `mfra`, `sidx`, `ssix`, `styp`, `prft`,
///   `emsg`, `pdin`) are copied as they are;
/// - every other top-level box (`udta`, `uuid` XMP, a movie's top-level `meta`, `free`/`skip`
///   padding that may hold old data, unknown boxes) becomes a `free` box of the same size filled
///   with zeros, so that no offset after it moves.
///
/// Refused with `MetadataError`: a first box other than `ftyp`, sizes outside the box that holds
/// them, a second `moov`, a movie without `moov` or a HEIF file without `meta` by the end, a box to
/// hold larger than `maxBufferedBox`, telemetry tracks, Exif/XMP items the stream has already
/// passed, and a stream that ends inside a box. The caller then stores the file as sent.
///
/// Memory: the top-level header (≤ 16 bytes), and one `ftyp`, `moov` or `meta` box at a time.
struct ISOBMFFMetadataStripper: LatchingStripper, Sendable {
    /// Beyond this a `moov` or `meta` box is refused rather than held (a two-hour phone video's
    /// `moov` is a few MiB).
    static let maxBufferedBox = 32 << 20
    static let heifBrands: Set<UInt32> = [fourCC("heic"), fourCC("heix"), fourCC("heim"), fourCC("heis"), fourCC("hevc"),
                                          fourCC("hevx"), fourCC("mif1"), fourCC("mif2"), fourCC("msf1"), fourCC("avif"),
                                          fourCC("avis")]
    private static let passThrough: Set<UInt32> = [fourCC("moof"), fourCC("mfra"), fourCC("sidx"), fourCC("ssix"),
                                                   fourCC("styp"), fourCC("prft"), fourCC("emsg"), fourCC("pdin")]

    private enum State: Sendable, Equatable {
        /// `header` holds up to 16 bytes of a top-level box header.
        case header
        /// `box` holds the box so far; `remaining` bytes are still to come.
        case hold(remaining: Int)
        /// Copy (or, when `zero`, emit zeros for) `remaining` bytes; nil: to the end of the file.
        case pass(remaining: UInt64?, zero: Bool)
    }

    private var state: State = .header
    private var header: [UInt8] = []
    private var box: [UInt8] = []
    private var boxStart: UInt64 = 0
    private var boxType: UInt32 = 0
    private var boxCount = 0
    private var heif = false
    private var sawMoov = false
    private var sawHEIFMeta = false
    /// Output ranges to zero (HEIF item data); the output has the input's offsets in HEIF files.
    private var blanks: [Range<UInt64>] = []
    private var emitted: UInt64 = 0
    var lifecycle = StreamLifecycle(format: "MP4/MOV/HEIF")
    static var outputSlack: Int { 16 }

    init() {}

    var bufferedByteCount: Int { header.count + box.count }

    var truncation: String? {
        switch state {
        case .header where !header.isEmpty: return "the file ends inside a box header"
        case .header, .pass(remaining: nil, _):
            if boxCount == 0 { return "the file is empty" }
            if heif ? !sawHEIFMeta : !sawMoov { return heif ? "a HEIF file without its meta box" : "a movie without its moov box" }
            if let first = blanks.first { return "the file ends before the Exif/XMP bytes at \(first.lowerBound)" }
            return nil
        case .hold, .pass: return "the file ends inside the \(fourCCString(boxType)) box"
        }
    }

    mutating func process(_ p: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) throws {
        let first = out.count
        let n = p.count
        var i = 0
        while i < n {
            switch state {
            case .header:
                let need = header.count < 8 ? 8 - header.count : 16 - header.count
                let take = min(need, n - i)
                header.append(contentsOf: UnsafeBufferPointer(rebasing: p[i ..< i + take]))
                i += take
                if header.count == 8 || header.count == 16 { try beginBox(at: i, into: &out) }
            case .hold(let remaining):
                let take = min(remaining, n - i)
                box.append(contentsOf: UnsafeBufferPointer(rebasing: p[i ..< i + take]))
                i += take
                if take == remaining { try endHeldBox(at: i, into: &out) } else { state = .hold(remaining: remaining - take) }
            case .pass(let remaining, let zero):
                let take = remaining.map { Int(min($0, UInt64(n - i))) } ?? n - i
                if zero {
                    out.append(contentsOf: repeatElement(0, count: take))
                } else {
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: p[i ..< i + take]))
                }
                i += take
                if let remaining { state = UInt64(take) == remaining ? .header : .pass(remaining: remaining - UInt64(take), zero: zero) }
            }
        }
        applyBlanks(&out, from: first)
    }

    /// `header` holds 8 bytes, or 16 when the 32-bit size is 1; `i` is just past them.
    private mutating func beginBox(at i: Int, into out: inout [UInt8]) throws {
        let size32 = readUInt(header, 0, 4)
        if size32 == 1 && header.count == 8 { return }  // the 64-bit size follows
        boxType = UInt32(readUInt(header, 4, 4))
        boxStart = lifecycle.consumed + UInt64(i) - UInt64(header.count)
        let size: UInt64? = size32 == 1 ? readUInt(header, 8, 8) : size32 == 0 ? nil : size32
        if let size, size < UInt64(header.count) {
            throw error(.malformed, "box \(fourCCString(boxType)) has size \(size), less than its header", at: i - 1)
        }
        boxCount += 1
        let payload = size.map { $0 - UInt64(header.count) }
        if boxCount == 1 && boxType != fourCC("ftyp") {
            throw error(.notThisFormat, "not an ISO base media file: the first box is not ftyp", at: i - 1)
        }
        try route(payload: payload, at: i, into: &out)
    }

    private mutating func route(payload: UInt64?, at i: Int, into out: inout [UInt8]) throws {
        let held = boxType == fourCC("ftyp") || boxType == fourCC("moov") || (boxType == fourCC("meta") && heif)
        if held {
            guard let payload else { throw error(.unsupported, "a \(fourCCString(boxType)) box sized to the end of the file", at: i - 1) }
            guard payload <= UInt64(Self.maxBufferedBox) else {
                throw error(.unsupported, "a \(fourCCString(boxType)) box of \(payload) bytes, more than we hold", at: i - 1)
            }
            if boxType == fourCC("moov") {
                guard !sawMoov else { throw error(.malformed, "a second moov box", at: i - 1) }
                sawMoov = true
            }
            box = header
            header.removeAll(keepingCapacity: true)
            state = .hold(remaining: Int(payload))
            if payload == 0 { try endHeldBox(at: i, into: &out) }
            return
        }
        let keep = boxType == fourCC("mdat") || Self.passThrough.contains(boxType)
        if keep {
            out += header
        } else {
            out += Array(header[0 ..< 4]) + bigEndian(UInt64(fourCC("free")), 4) + Array(header[8...])
        }
        header.removeAll(keepingCapacity: true)
        state = payload == 0 ? .header : .pass(remaining: payload, zero: !keep)
    }

    private mutating func endHeldBox(at i: Int, into out: inout [UInt8]) throws {
        state = .header
        do {
            switch boxType {
            case fourCC("ftyp"): try readBrands()
            case fourCC("moov"): box = try MovieBoxCleaner(inPlace: heif).clean(box, fileOffset: boxStart)
            default: try cleanHEIFMeta()
            }
        } catch let e as ISOBoxError {
            let offset = boxStart + UInt64(e.offset)
            throw MetadataError(e.unsupported ? .unsupported : .malformed, format: lifecycle.format, offset: offset, e.message)
        }
        out += box
        box = []
    }

    /// ftyp (§4.3): major_brand, minor_version, compatible_brands.
    private mutating func readBrands() throws {
        guard box.count >= 16, (box.count - 8) % 4 == 0 else { throw ISOBoxError("ftyp of \(box.count) bytes", at: 0) }
        let brands = stride(from: 8, to: box.count, by: 4).filter { $0 != 12 }.map { UInt32(readUInt(box, $0, 4)) }
        heif = brands.contains { Self.heifBrands.contains($0) }
    }

    private mutating func cleanHEIFMeta() throws {
        guard !sawHEIFMeta else { throw ISOBoxError("a second meta box", at: 0) }
        sawHEIFMeta = true
        let later = try HEIFMetaCleaner.clean(&box, fileOffset: boxStart)
        blanks = (blanks + later).sorted { $0.lowerBound < $1.lowerBound }
    }

    /// Zeroes the bytes of `out[from...]` that fall in a pending blank range.
    private mutating func applyBlanks(_ out: inout [UInt8], from: Int) {
        let start = emitted
        let end = start + UInt64(out.count - from)
        emitted = end
        while let range = blanks.first, range.lowerBound < end {
            let lo = max(range.lowerBound, start), hi = min(range.upperBound, end)
            if lo < hi { for k in Int(lo - start) ..< Int(hi - start) { out[from + k] = 0 } }
            if range.upperBound <= end { blanks.removeFirst() } else { break }
        }
    }
}
