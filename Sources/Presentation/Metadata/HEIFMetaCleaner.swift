/// Finds the Exif and XMP items of a HEIF image (HEIC, AVIF: ISO/IEC 23008-12 §6 over the `meta`
/// box of ISO/IEC 14496-12 §8.11) and says which bytes to blank, so that no offset in the file
/// moves:
///
/// - `iinf`/`infe` (§8.11.6) names the items: `item_type` `Exif` (ISO/IEC 23008-12 A.2.1: GPS,
///   camera serial, dates), or `mime` with content type `application/rdf+xml` (XMP, A.2.2);
/// - `iloc` (§8.11.3) says where each item's bytes are: extents in the file (construction method
///   0) or in the `meta` box's own `idat` (method 1).
///
/// Extents inside the buffered `meta` are zeroed at once; extents after it (in `mdat`, normally)
/// are returned as file ranges for the stream to zero as they pass. The items stay listed, with
/// data of zeros: a reader finds no TIFF header and so no Exif. An extent before `meta`, one in
/// another file (`data_reference_index` ≠ 0), one built from other items (method 2) or of length
/// 0 ("to the end") is refused: the file is stored as sent and the reporter warned.
struct HEIFMetaCleaner: Sendable {
    struct Extent: Sendable, Equatable {
        var method: UInt64
        var offset: UInt64
        var length: UInt64
    }

    /// `meta` is the whole box as it appeared at `fileOffset`; returns the file ranges to zero
    /// that lie after it.
    static func clean(_ meta: inout [UInt8], fileOffset: UInt64) throws -> [Range<UInt64>] {
        let root = try ISOBox.read(meta, at: 0, limit: meta.count)
        guard root.payloadStart + 4 <= root.end else { throw ISOBoxError("meta too short", at: 0) }
        let children = try ISOBox.children(meta, from: root.payloadStart + 4, to: root.end)
        guard let iinf = children.first(where: { $0.type == fourCC("iinf") }) else { return [] }
        let targets = try identifyingItems(meta, iinf)
        guard !targets.isEmpty else { return [] }
        guard let iloc = children.first(where: { $0.type == fourCC("iloc") }) else {
            throw ISOBoxError("Exif or XMP items without an iloc box", at: 0)
        }
        let idat = children.first(where: { $0.type == fourCC("idat") })
        let metaEnd = fileOffset + UInt64(meta.count)
        var later: [Range<UInt64>] = []
        for extent in try extents(meta, iloc, of: targets) {
            let range = try fileRange(extent, idat: idat, metaStart: fileOffset)
            if range.lowerBound >= metaEnd {
                later.append(range)
            } else if range.lowerBound >= fileOffset, range.upperBound <= metaEnd {
                let from = Int(range.lowerBound - fileOffset)
                for k in from ..< from + Int(range.count) { meta[k] = 0 }
            } else {
                throw ISOBoxError("an Exif or XMP item lies before or across the meta box", at: iloc.start, unsupported: true)
            }
        }
        return later.sorted { $0.lowerBound < $1.lowerBound }
    }

    private static func fileRange(_ e: Extent, idat: ISOBox?, metaStart: UInt64) throws -> Range<UInt64> {
        guard e.length > 0 else { throw ISOBoxError("an Exif or XMP extent of length 0 (to the end)", at: 0, unsupported: true) }
        switch e.method {
        case 0:
            let (end, overflow) = e.offset.addingReportingOverflow(e.length)
            guard !overflow else { throw ISOBoxError("extent overflows", at: 0) }
            return e.offset ..< end
        case 1:
            guard let idat, e.offset <= UInt64(idat.size - idat.headerSize),
                  e.length <= UInt64(idat.size - idat.headerSize) - e.offset else {
                throw ISOBoxError("an idat extent outside the idat box", at: 0)
            }
            let start = metaStart + UInt64(idat.payloadStart) + e.offset
            return start ..< start + e.length
        default:
            throw ISOBoxError("an Exif or XMP item built from other items", at: 0, unsupported: true)
        }
    }

    /// The item_IDs of Exif and XMP items: iinf is a FullBox with a 16-bit (version 0) or 32-bit
    /// entry_count, then `infe` boxes.
    static func identifyingItems(_ b: [UInt8], _ iinf: ISOBox) throws -> Set<UInt64> {
        var r = ISOFieldReader(b: b, i: iinf.payloadStart, end: iinf.end)
        let version = try r.uint(1)
        _ = try r.uint(3)
        _ = try r.uint(version == 0 ? 2 : 4)
        var ids: Set<UInt64> = []
        for infe in try ISOBox.children(b, from: r.i, to: iinf.end) where infe.type == fourCC("infe") {
            if let id = try identifyingItem(b, infe) { ids.insert(id) }
        }
        return ids
    }

    private static let xmpTypes: Set<[UInt8]> = [Array("application/rdf+xml".utf8), Array("application/xmp+xml".utf8)]

    /// infe (§8.11.6.2): versions 0–1 carry item_ID(16), protection index(16), name, content
    /// type; versions 2–3 item_ID (16 or 32), protection index, item_type, name, and for `mime`
    /// the content type.
    private static func identifyingItem(_ b: [UInt8], _ infe: ISOBox) throws -> UInt64? {
        var r = ISOFieldReader(b: b, i: infe.payloadStart, end: infe.end)
        let version = try r.uint(1)
        _ = try r.uint(3)
        let id = try r.uint(version == 3 ? 4 : 2)
        _ = try r.uint(2)
        if version < 2 {
            _ = r.string()
            return xmpTypes.contains(r.string()) ? id : nil
        }
        let type = UInt32(try r.uint(4))
        if type == fourCC("Exif") { return id }
        guard type == fourCC("mime") else { return nil }
        _ = r.string()
        return xmpTypes.contains(r.string()) ? id : nil
    }

    /// The extents of `items` in iloc (§8.11.3.2).
    static func extents(_ b: [UInt8], _ iloc: ISOBox, of items: Set<UInt64>) throws -> [Extent] {
        var r = ISOFieldReader(b: b, i: iloc.payloadStart, end: iloc.end)
        let version = try r.uint(1)
        _ = try r.uint(3)
        guard version <= 2 else { throw ISOBoxError("iloc version \(version)", at: iloc.start, unsupported: true) }
        let sizes = try r.uint(2)
        let (offsetSize, lengthSize) = (Int(sizes >> 12), Int(sizes >> 8 & 0xF))
        let (baseSize, indexSize) = (Int(sizes >> 4 & 0xF), version == 0 ? 0 : Int(sizes & 0xF))
        for width in [offsetSize, lengthSize, baseSize, indexSize] where ![0, 4, 8].contains(width) {
            throw ISOBoxError("iloc field width \(width)", at: iloc.start)
        }
        let count = try r.uint(version < 2 ? 2 : 4)
        var found: [Extent] = []
        for _ in 0 ..< count {
            guard r.i < r.end else { throw ISOBoxError("iloc lists more items than it holds", at: iloc.start) }
            let id = try r.uint(version < 2 ? 2 : 4)
            let method = version == 0 ? 0 : try r.uint(2) & 0xF
            let reference = try r.uint(2)
            let base = try r.uint(baseSize)
            let extentCount = try r.uint(2)
            // Fields of width 0 read nothing: the count alone must not make the walk long.
            let perExtent = UInt64(indexSize + offsetSize + lengthSize)
            guard perExtent > 0 || extentCount == 0 || !items.contains(id) else {
                throw ISOBoxError("an Exif or XMP extent without offset or length", at: iloc.start, unsupported: true)
            }
            guard extentCount * perExtent <= UInt64(r.end - r.i) else {
                throw ISOBoxError("iloc lists more extents than it holds", at: iloc.start)
            }
            for _ in 0 ..< (perExtent == 0 ? 0 : extentCount) {
                _ = try r.uint(indexSize)
                let offset = try r.uint(offsetSize)
                let length = try r.uint(lengthSize)
                guard items.contains(id) else { continue }
                guard reference == 0 else { throw ISOBoxError("an Exif or XMP item in another file", at: iloc.start, unsupported: true) }
                let (start, overflow) = base.addingReportingOverflow(offset)
                guard !overflow else { throw ISOBoxError("iloc offset overflows", at: iloc.start) }
                found.append(Extent(method: method, offset: start, length: length))
            }
        }
        return found
    }
}
