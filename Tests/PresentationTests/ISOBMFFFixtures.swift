@testable import Presentation

/// Minimal, valid ISO base media files built box by box (ISO/IEC 14496-12), with the location and
/// device data phones write, and an independent reader to check what comes out.
enum BMFF {
    static func u(_ v: UInt64, _ width: Int) -> [UInt8] { (0 ..< width).map { UInt8(truncatingIfNeeded: v >> (8 * UInt64(width - 1 - $0))) } }
    /// Box types are four Latin-1 bytes: "©xyz" is A9 78 79 7A.
    static func type(_ s: String) -> [UInt8] { s.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) } }
    static func box(_ t: String, _ payload: [UInt8]) -> [UInt8] { u(UInt64(8 + payload.count), 4) + type(t) + payload }
    static func large(_ t: String, _ payload: [UInt8]) -> [UInt8] { u(1, 4) + type(t) + u(UInt64(16 + payload.count), 8) + payload }
    static func full(_ type: String, version: UInt8 = 0, flags: UInt32 = 0, _ payload: [UInt8]) -> [UInt8] {
        box(type, [version] + u(UInt64(flags), 3) + payload)
    }

    static let gps = "+37.7749-122.4194+012.345/"
    static let device = "Apple iPhone 15 Pro SN-REPORTER-42"
    static let exifGPS = Array("Exif\0\0MM\0*GPSLatitude=37.7749;GPSLongitude=-122.4194;Serial=SN-REPORTER-42".utf8)
    static let xmp = Array("<x:xmpmeta><exif:GPSLatitude>37,46.494N</exif:GPSLatitude></x:xmpmeta>".utf8)
    /// What must never come out of a cleaned file.
    static let secrets = ["37.7749", "122.4194", "SN-REPORTER-42", "iPhone", "37,46.494N"]

    static func ftyp(_ major: String, _ compatible: [String]) -> [UInt8] {
        box("ftyp", Array(major.utf8) + u(0, 4) + compatible.flatMap { Array($0.utf8) })
    }

    /// Apple QuickTime `udta` with `©xyz` (location), `©mak`, `©mod`.
    static var appleUdta: [UInt8] {
        func text(_ s: String) -> [UInt8] { u(UInt64(s.utf8.count), 2) + u(0x15C7, 2) + Array(s.utf8) }
        return box("udta", box("\u{A9}xyz", text(gps)) + box("\u{A9}mak", text("Apple")) + box("\u{A9}mod", text(device)))
    }

    /// QuickTime metadata (`meta` with `hdlr mdta`, `keys`, `ilst`).
    static var appleMeta: [UInt8] {
        let key = Array("com.apple.quicktime.location.ISO6709".utf8)
        let keys = full("keys", u(1, 4) + u(UInt64(8 + key.count), 4) + Array("mdta".utf8) + key)
        let ilst = box("ilst", box("\0\0\0\u{1}", box("data", u(1, 4) + u(0, 4) + Array(gps.utf8))))
        return full("meta", full("hdlr", u(0, 4) + Array("mdta".utf8) + u(0, 12) + [0]) + keys + ilst)
    }

    static func mvhd(version: UInt8 = 0) -> [UInt8] {
        let times = version == 1 ? u(0xE000_0000, 8) + u(0xE000_0001, 8) : u(0xE000_0000, 4) + u(0xE000_0001, 4)
        return full("mvhd", version: version, times + u(600, 4) + u(6000, version == 1 ? 8 : 4) + [UInt8](repeating: 0, count: 80))
    }

    /// A track whose chunks are at `offsets` (stco, or co64 when `wide`).
    static func trak(offsets: [UInt64], sizes: [Int], wide: Bool = false, entry: String = "avc1", extra: [UInt8] = []) -> [UInt8] {
        let table = wide
            ? full("co64", u(UInt64(offsets.count), 4) + offsets.flatMap { u($0, 8) })
            : full("stco", u(UInt64(offsets.count), 4) + offsets.flatMap { u($0, 4) })
        let stsz = full("stsz", u(0, 4) + u(UInt64(sizes.count), 4) + sizes.flatMap { u(UInt64($0), 4) })
        let stsc = full("stsc", u(1, 4) + u(1, 4) + u(1, 4) + u(1, 4))
        let stsd = full("stsd", u(1, 4) + box(entry, [UInt8](repeating: 0, count: 8)))
        let stbl = box("stbl", stsd + full("stts", u(0, 4)) + stsc + stsz + table)
        let mdhd = full("mdhd", u(0xE000_0000, 4) + u(0xE000_0001, 4) + u(600, 4) + u(6000, 4) + u(0, 4))
        let minf = box("minf", full("vmhd", u(0, 8)) + box("dinf", full("dref", u(0, 4))) + stbl)
        let mdia = box("mdia", mdhd + full("hdlr", u(0, 4) + Array("vide".utf8) + u(0, 12) + [0]) + minf + appleUdta)
        let tkhd = full("tkhd", u(0xE000_0000, 4) + u(0xE000_0001, 4) + u(1, 4) + [UInt8](repeating: 0, count: 72))
        return box("trak", tkhd + mdia + appleUdta + appleMeta + extra)
    }

    static let samples: [[UInt8]] = [Array("FRAME-ONE-BYTES".utf8), Array("FRAME-TWO".utf8), Array("AUDIO-CHUNK-3".utf8)]

    /// A movie with its media stored `mdatFirst` (camera layout) or after `moov` (fast start),
    /// one stco track and one co64 track, and location data at every level phones use.
    static func movie(mdatFirst: Bool, topLevelJunk: Bool = true) -> [UInt8] {
        let ft = ftyp("qt  ", ["qt  "])
        let junk = topLevelJunk ? box("udta", appleUdta) + box("uuid", [UInt8](repeating: 0xBE, count: 16) + xmp) : []
        let mdatPayload = samples.flatMap { $0 }
        func moov(mdatStart: Int) -> [UInt8] {
            var offsets: [UInt64] = []
            var at = UInt64(mdatStart + 8)
            for s in samples { offsets.append(at); at += UInt64(s.count) }
            return box("moov", mvhd() + trak(offsets: Array(offsets[0 ..< 2]), sizes: [15, 9])
                + trak(offsets: [offsets[2]], sizes: [13], wide: true) + appleUdta + appleMeta)
        }
        if mdatFirst {
            let head = ft + junk
            return head + box("mdat", mdatPayload) + moov(mdatStart: head.count)
        }
        let size = moov(mdatStart: 0).count
        return ft + moov(mdatStart: ft.count + size + junk.count) + junk + box("mdat", mdatPayload)
    }
}

/// An independent reader: the top-level boxes, each box's children where the size fields agree.
struct BMFFReader {
    let b: [UInt8]

    func boxes(from: Int, to: Int) -> [(type: String, start: Int, end: Int)]? {
        var out: [(String, Int, Int)] = []
        var i = from
        while i < to {
            guard i + 8 <= to else { return nil }
            var size = b[i ..< i + 4].reduce(0) { $0 << 8 | Int($1) }
            var header = 8
            if size == 1 { size = b[i + 8 ..< i + 16].reduce(0) { $0 << 8 | Int($1) }; header = 16 }
            guard size >= header, i + size <= to else { return nil }
            out.append((String(decoding: b[i + 4 ..< i + 8], as: UTF8.self), i, i + size))
            i += size
        }
        return out
    }

    /// The box at `path` ("moov/trak"), the `index`th match of the last step.
    func find(_ path: [String], index: Int = 0) -> (start: Int, end: Int)? {
        var range = (start: 0, end: b.count)
        var header = 0
        for (k, step) in path.enumerated() {
            let inner = range.start + header
            let fullBoxSkip = ["meta"].contains(path[max(0, k - 1)]) && k > 0 ? 4 : 0
            guard let kids = boxes(from: inner + fullBoxSkip, to: range.end) else { return nil }
            let matches = kids.filter { $0.type == step }
            let pick = k == path.count - 1 ? index : 0
            guard matches.count > pick else { return nil }
            range = (matches[pick].start, matches[pick].end)
            header = 8
        }
        return range
    }

    /// The chunk offsets of stco or co64 at `path`.
    func offsets(_ path: [String]) -> [Int]? {
        guard let r = find(path) else { return nil }
        let width = path.last == "co64" ? 8 : 4
        let count = b[r.start + 12 ..< r.start + 16].reduce(0) { $0 << 8 | Int($1) }
        return (0 ..< count).map { k in
            let at = r.start + 16 + k * width
            return b[at ..< at + width].reduce(0) { $0 << 8 | Int($1) }
        }
    }
}

func containsBytes(_ haystack: [UInt8], _ needle: String) -> Bool {
    let n = Array(needle.utf8)
    guard n.count <= haystack.count else { return false }
    return (0 ... haystack.count - n.count).contains { haystack[$0 ..< $0 + n.count].elementsEqual(n) }
}

extension BMFF {
    static let image = Array("HEVC-CODED-IMAGE-DATA-0123456789".utf8)

    /// A HEIC photo (ISO/IEC 23008-12): item 1 the image, item 2 Exif with GPS, item 3 XMP, all
    /// in `mdat` after `meta`; with `exifInIdat`, Exif sits in `meta`'s `idat` instead (iloc
    /// version 1, construction method 1).
    static func heic(exifInIdat: Bool = false) -> [UInt8] {
        let ft = ftyp("heic", ["mif1", "heic"])
        func infe(_ id: UInt64, _ type: String, _ rest: [UInt8] = []) -> [UInt8] {
            full("infe", version: 2, u(id, 2) + u(0, 2) + Array(type.utf8) + [0] + rest)
        }
        let iinf = full("iinf", u(3, 2) + infe(1, "hvc1") + infe(2, "Exif") + infe(3, "mime", Array("application/rdf+xml\0".utf8)))
        func meta(_ at: [UInt64]) -> [UInt8] {
            let version: UInt8 = exifInIdat ? 1 : 0
            func item(_ id: UInt64, method: UInt64, _ offset: UInt64, _ length: Int) -> [UInt8] {
                u(id, 2) + (version == 1 ? u(method, 2) : []) + u(0, 2) + u(1, 2) + u(offset, 4) + u(UInt64(length), 4)
            }
            let iloc = full("iloc", version: version, [0x44, 0x00] + u(3, 2) + item(1, method: 0, at[0], image.count)
                + item(2, method: exifInIdat ? 1 : 0, exifInIdat ? 0 : at[1], exifGPS.count) + item(3, method: 0, at[2], xmp.count))
            let idat = exifInIdat ? box("idat", exifGPS) : []
            return full("meta", full("hdlr", u(0, 4) + Array("pict".utf8) + u(0, 12) + [0]) + full("pitm", u(1, 2)) + iinf + iloc + idat)
        }
        let metaSize = meta([0, 0, 0]).count
        let mdatData = exifInIdat ? image + xmp : image + exifGPS + xmp
        let base = UInt64(ft.count + metaSize + 8)
        let offsets = exifInIdat ? [base, 0, base + UInt64(image.count)]
            : [base, base + UInt64(image.count), base + UInt64(image.count + exifGPS.count)]
        return ft + meta(offsets) + box("mdat", mdatData)
    }
}
