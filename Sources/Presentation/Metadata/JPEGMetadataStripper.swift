/// Removes identifying metadata from a JPEG as it streams, by walking the marker-segment syntax of
/// ITU-T T.81 (ISO/IEC 10918-1) Annex B without decoding the image: every kept byte is copied
/// unchanged, so the picture cannot change, and nothing is re-encoded.
///
/// Kept, because a decoder needs them (T.81 B.2–B.6): SOI, SOFn, DHT, DAC, DQT, DRI, DNL, DHP, EXP,
/// SOS with the entropy-coded data that follows (RSTn and 0xFF00 stuffing untouched), EOI.
/// Kept, rewritten to their fixed fields only:
/// - APP0 "JFIF" (JFIF 1.02): density and version help decoders; its optional RGB thumbnail is
///   cut (thumbnail dimensions set to 0) because a thumbnail can show what an edit of the main
///   image hid, e.g. a face blurred after the thumbnail was made.
/// - APP14 "Adobe" (Adobe TN 5116): the colour-transform flag is needed to decode CMYK/YCCK; any
///   bytes beyond the 12 defined ones are cut.
/// Kept by default: APP2 "ICC_PROFILE" (ICC.1 Annex B.4). Dropping it shifts colours of wide-gamut
/// photos, and a camera or editor profile describes a device class, not a person. Residual risk:
/// a custom display-calibration profile (e.g. embedded in a screenshot) carries a creation date
/// and a free-text description; `Options(keepICCProfile: false)` drops it.
/// Dropped: APP1 (EXIF, with GPS, serial numbers, timestamps, thumbnails; XMP), APP13 (Photoshop
/// IRB/IPTC), every other APPn including APP2 MPF (CIPA DC-007) and APP0 "JFXX" thumbnails, COM,
/// TEM, and everything after EOI (appended files, MPF secondary images, which would otherwise
/// carry their own EXIF).
///
/// Refused with `MetadataError`: no SOI, a marker where T.81 allows none, reserved and JPEG
/// extension markers (JPGn, 0xF0–0xFD: JPEG-LS etc., which we cannot vouch for), EOI before any
/// scan, and a stream that ends before EOI (`finish()` throws `.truncated`; truncated camera files
/// are stored uncleaned rather than cleaned on a guess).
///
/// Memory: at most 18 bytes are held (marker, length and the 14-byte APP0 prefix); segment
/// payloads and entropy-coded data are copied or skipped by count as they arrive.
struct JPEGMetadataStripper: LatchingStripper, Sendable {
    struct Options: Sendable, Equatable {
        var keepICCProfile: Bool
        init(keepICCProfile: Bool = true) {
            self.keepICCProfile = keepICCProfile
        }
    }

    private enum After: Sendable, Equatable { case marker, entropy }

    private enum State: Sendable, Equatable {
        /// `buffer` holds the part of SOI (FF D8) seen so far.
        case signature
        /// Between segments: T.81 B.1.1.2 requires a marker, i.e. 0xFF.
        case marker
        /// `buffer` == [FF]; further 0xFF are fill bytes (B.1.1.2), collapsed.
        case markerCode
        /// `buffer` == [FF, code] + up to two bytes of the big-endian segment length.
        case length
        /// `buffer` == [FF, code, Lh, Ll] + the first `need` payload bytes of an APPn we may keep.
        case prefix(payload: Int, need: Int)
        case copy(Int, then: After)
        case skip(Int)
        /// Entropy-coded data after SOS (B.1.1.5): any 0xFF is followed by 00 (stuffing), RSTn or
        /// the marker that ends the scan.
        case entropy
        /// `buffer` == [FF] seen inside entropy-coded data.
        case entropyFF
        case done
    }

    private let options: Options
    private var state: State = .signature
    private var buffer: [UInt8] = []
    private var segmentCode: UInt8 = 0
    var lifecycle = StreamLifecycle(format: "JPEG")
    static var outputSlack: Int { 20 }
    private var sawFrame = false
    private var sawScan = false

    init(options: Options = Options()) {
        self.options = options
        buffer.reserveCapacity(20)
    }

    /// Bytes held between calls; bounded by 18 whatever the input.
    var bufferedByteCount: Int { buffer.count }

    var truncation: String? {
        switch state {
        case .done: return nil
        case .signature: return buffer.isEmpty ? "the file is empty" : "the file ends inside the SOI marker"
        case .marker, .markerCode: return "the file ends between segments, before EOI"
        case .length: return "the file ends inside the length field of marker 0x\(hex(segmentCode))"
        case .prefix, .copy, .skip: return "the file ends inside the segment of marker 0x\(hex(segmentCode))"
        case .entropy, .entropyFF: return "the file ends inside entropy-coded data, before EOI"
        }
    }

    mutating func process(_ p: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) throws {
        let n = p.count
        var i = 0
        while i < n {
            switch state {
            case .signature:
                let expected: UInt8 = buffer.isEmpty ? 0xFF : 0xD8
                guard p[i] == expected else {
                    throw error(.notThisFormat, "not a JPEG: does not start with the SOI marker FF D8", at: i)
                }
                buffer.append(p[i])
                i += 1
                if buffer.count == 2 {
                    out += buffer
                    buffer.removeAll(keepingCapacity: true)
                    state = .marker
                }

            case .marker:
                guard p[i] == 0xFF else {
                    throw error(.malformed, "expected a marker after a segment, found 0x\(hex(p[i]))", at: i)
                }
                buffer.append(0xFF)
                state = .markerCode
                i += 1

            case .markerCode:
                let code = p[i]
                i += 1
                if code != 0xFF { try beginMarker(code, at: i - 1, into: &out) }

            case .length:
                buffer.append(p[i])
                i += 1
                if buffer.count == 4 { try beginSegment(at: i - 1, into: &out) }

            case .prefix(let payload, let need):
                let take = min(need - (buffer.count - 4), n - i)
                buffer.append(contentsOf: UnsafeBufferPointer(rebasing: p[i ..< i + take]))
                i += take
                if buffer.count - 4 == need { decideAPP(payload: payload, into: &out) }

            case .copy(let remaining, let then):
                let take = min(remaining, n - i)
                out.append(contentsOf: UnsafeBufferPointer(rebasing: p[i ..< i + take]))
                i += take
                state = take == remaining ? (then == .entropy ? .entropy : .marker) : .copy(remaining - take, then: then)

            case .skip(let remaining):
                let take = min(remaining, n - i)
                i += take
                state = take == remaining ? .marker : .skip(remaining - take)

            case .entropy:
                var j = i
                while j < n && p[j] != 0xFF { j += 1 }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: p[i ..< j]))
                i = j
                if j < n {
                    buffer.append(0xFF)
                    state = .entropyFF
                    i += 1
                }

            case .entropyFF:
                let b = p[i]
                i += 1
                switch b {
                case 0x00, 0xD0 ... 0xD7:
                    // Stuffed 0xFF data byte (B.1.1.5) or restart marker (B.2.1): part of the scan.
                    out.append(0xFF)
                    out.append(b)
                    buffer.removeAll(keepingCapacity: true)
                    state = .entropy
                case 0xFF:
                    break  // fill byte before the marker that ends the scan
                default:
                    try beginMarker(b, at: i - 1, into: &out)
                }

            case .done:
                // After EOI (B.2.1): appended data and MPF secondary images are not part of this
                // image and may carry their own metadata.
                i = n
            }
        }
    }

    /// `buffer` == [FF]; `code` is the marker's second byte.
    private mutating func beginMarker(_ code: UInt8, at index: Int, into out: inout [UInt8]) throws {
        segmentCode = code
        switch code {
        case 0xD9:
            guard sawScan else { throw error(.malformed, "EOI before any scan (SOS): no image data", at: index) }
            out.append(0xFF)
            out.append(0xD9)
            buffer.removeAll(keepingCapacity: true)
            state = .done
        case 0xD8:
            throw error(.malformed, "a second SOI marker", at: index)
        case 0xD0 ... 0xD7:
            throw error(.malformed, "restart marker RST\(code - 0xD0) outside entropy-coded data", at: index)
        case 0x00:
            throw error(.malformed, "stuffed 0xFF00 outside entropy-coded data", at: index)
        case 0x01:
            // TEM (Table B.1): private use in arithmetic coding, standalone, not needed to decode.
            buffer.removeAll(keepingCapacity: true)
            state = .marker
        case 0x02 ... 0xBF, 0xC8, 0xF0 ... 0xFD:
            // RES, JPG and JPGn are reserved for extensions (Table B.1) such as JPEG-LS; we cannot
            // tell what they carry or whether decoding needs them.
            throw error(.unsupported, "reserved or extension marker 0xFF\(hex(code))", at: index)
        default:
            buffer.append(code)
            state = .length
        }
    }

    /// `buffer` == [FF, code, Lh, Ll]. The length counts itself but not the marker (B.1.1.4).
    private mutating func beginSegment(at index: Int, into out: inout [UInt8]) throws {
        let code = buffer[1]
        let length = Int(buffer[2]) << 8 | Int(buffer[3])
        guard length >= 2 else {
            throw error(.malformed, "segment 0xFF\(hex(code)) has length \(length), less than its own 2 bytes", at: index)
        }
        let payload = length - 2
        switch code {
        case 0xC0 ... 0xC3, 0xC5 ... 0xC7, 0xC9 ... 0xCB, 0xCD ... 0xCF:
            // SOFn (B.2.2): P, Y, X, Nf and at least one 3-byte component.
            guard payload >= 9 else { throw error(.malformed, "frame header too short (\(length))", at: index) }
            sawFrame = true
            keep(payload, then: .marker, into: &out)
        case 0xDA:
            // SOS (B.2.3): Ns, at least one 2-byte component, Ss, Se, Ah/Al.
            guard sawFrame else { throw error(.malformed, "scan (SOS) before any frame header (SOFn)", at: index) }
            guard payload >= 6 else { throw error(.malformed, "scan header too short (\(length))", at: index) }
            sawScan = true
            keep(payload, then: .entropy, into: &out)
        case 0xDD:
            guard payload == 2 else { throw error(.malformed, "DRI segment length \(length), expected 4", at: index) }
            keep(payload, then: .marker, into: &out)
        case 0xC4, 0xCC, 0xDB, 0xDC, 0xDE, 0xDF:
            keep(payload, then: .marker, into: &out)  // DHT, DAC, DQT, DNL, DHP, EXP
        case 0xE0:
            beginPrefix(payload: payload, need: 14, into: &out)
        case 0xE2 where options.keepICCProfile, 0xEE:
            beginPrefix(payload: payload, need: 12, into: &out)
        default:
            // APP1 (EXIF, XMP), APP13 (IPTC), other APPn, COM (0xFE).
            skip(payload)
        }
    }

    private mutating func keep(_ payload: Int, then: After, into out: inout [UInt8]) {
        out += buffer
        buffer.removeAll(keepingCapacity: true)
        state = payload > 0 ? .copy(payload, then: then) : (then == .entropy ? .entropy : .marker)
    }

    private mutating func skip(_ payload: Int) {
        buffer.removeAll(keepingCapacity: true)
        state = payload > 0 ? .skip(payload) : .marker
    }

    private mutating func beginPrefix(payload: Int, need: Int, into out: inout [UInt8]) {
        let need = min(need, payload)
        state = .prefix(payload: payload, need: need)
        if need == 0 { decideAPP(payload: payload, into: &out) }
    }

    private static let jfif: [UInt8] = Array("JFIF\0".utf8)
    private static let adobe: [UInt8] = Array("Adobe".utf8)
    private static let iccProfile: [UInt8] = Array("ICC_PROFILE\0".utf8)

    /// `buffer` == [FF, code, Lh, Ll] + payload prefix; decides on the identifier string that
    /// starts every APPn (T.81 B.2.4.6 leaves APPn content to applications).
    private mutating func decideAPP(payload: Int, into out: inout [UInt8]) {
        let head = buffer[4...]
        let code = buffer[1]
        if code == 0xE0, head.count == 14, head.starts(with: Self.jfif) {
            // JFIF 1.02 APP0: identifier, version(2), units, Xdensity(2), Ydensity(2), then
            // Xthumbnail, Ythumbnail and 3·X·Y thumbnail bytes, which we replace by 0, 0.
            out += [0xFF, 0xE0, 0x00, 0x10]
            out += buffer[4 ..< 16]
            out += [0x00, 0x00]
            skip(payload - 14)
        } else if code == 0xEE, head.count == 12, head.starts(with: Self.adobe) {
            // Adobe APP14: identifier, DCTEncodeVersion(2), flags0(2), flags1(2), ColorTransform.
            out += [0xFF, 0xEE, 0x00, 0x0E]
            out += buffer[4 ..< 16]
            skip(payload - 12)
        } else if code == 0xE2, head.count == 12, head.elementsEqual(Self.iccProfile) {
            // ICC.1 B.4: "ICC_PROFILE\0", sequence number, count, profile bytes; kept verbatim so
            // profiles split over several APP2 segments reassemble.
            keep(payload - 12, then: .marker, into: &out)
        } else {
            skip(payload - head.count)
        }
    }
}

private func hex(_ b: UInt8) -> String {
    let digits = Array("0123456789ABCDEF")
    return String([digits[Int(b >> 4)], digits[Int(b & 0x0F)]])
}
