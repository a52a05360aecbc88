/// Removes identifying metadata from a PNG as it streams, by walking the chunk layout of the PNG
/// specification (W3C PNG 3rd ed. §5: 8-byte signature, then chunks of 4-byte big-endian length,
/// 4-byte type, data, CRC-32 over type and data). Kept chunks are copied byte for byte; the
/// compressed image data is never inflated.
///
/// Kept: the critical chunks IHDR, PLTE, IDAT, IEND (§11.2), and ancillary chunks that change how
/// pixels render and carry no free text: tRNS, gAMA, cHRM, sRGB, cICP, mDCV, cLLI, sBIT, bKGD,
/// pHYs (pixel aspect/density only), and APNG's acTL, fcTL, fdAT (an animation would otherwise
/// degrade to its first frame). iCCP is kept by default for the same reason as the JPEG ICC
/// profile (colours); its profile name is free text, normally "ICC Profile" or the colour-space
/// name; `Options(keepICCProfile: false)` drops it.
/// Dropped: tEXt, zTXt, iTXt (Author, Comment, XMP), eXIf (EXIF: GPS, serial numbers), tIME,
/// sPLT (named palettes), and every other ancillary chunk (lower-case first letter, §5.4), known
/// or not; everything after IEND.
///
/// Refused with `MetadataError`: a wrong signature, a length above 2^31−1, a type that is not four
/// ASCII letters, IHDR not first (§5.6) or not 13 bytes, IEND with data or before any IDAT, an
/// unknown critical chunk (upper-case first letter: a decoder must not ignore it, so neither do
/// we), a CRC mismatch in a kept chunk, and a stream that ends before IEND's CRC.
///
/// Kept chunks stream through as they arrive, their CRC computed on the way; a bad CRC is reported
/// at the CRC's position, after the chunk's data has been emitted (the caller discards output of a
/// failed transform, see `StreamTransformer`). Dropped chunks are skipped by count and their CRC
/// is not checked: nothing of them reaches the output, and a wrong length lands on a chunk header
/// that fails the checks above. At most 8 bytes are held between calls.
struct PNGMetadataStripper: LatchingStripper, Sendable {
    struct Options: Sendable, Equatable {
        var keepICCProfile: Bool
        init(keepICCProfile: Bool = true) {
            self.keepICCProfile = keepICCProfile
        }
    }

    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    static let keptAncillary: Set<String> = [
        "tRNS", "gAMA", "cHRM", "sRGB", "cICP", "mDCV", "cLLI", "sBIT", "bKGD", "pHYs",
        "acTL", "fcTL", "fdAT",
    ]
    static let knownCritical: Set<String> = ["IHDR", "PLTE", "IDAT", "IEND"]

    private enum State: Sendable, Equatable {
        /// `buffer` holds the matching part of the signature.
        case signature
        /// `buffer` holds up to 8 bytes: length and type.
        case header
        /// Copying a kept chunk's data through the running CRC.
        case data(remaining: Int)
        /// `buffer` holds up to 4 bytes of a kept chunk's CRC.
        case crc
        /// Skipping a dropped chunk's data and CRC.
        case skip(Int)
        case done
    }

    private let options: Options
    private var state: State = .signature
    private var buffer: [UInt8] = []
    private var chunkType = ""
    private var crc = CRC32()
    private var chunkCount = 0
    private var sawIDAT = false
    var lifecycle = StreamLifecycle(format: "PNG")
    static var outputSlack: Int { 8 }

    init(options: Options = Options()) {
        self.options = options
        buffer.reserveCapacity(8)
    }

    /// Bytes held between calls; bounded by 8 whatever the input.
    var bufferedByteCount: Int { buffer.count }

    var truncation: String? {
        switch state {
        case .done: return nil
        case .signature: return buffer.isEmpty ? "the file is empty" : "the file ends inside the signature"
        case .header: return buffer.isEmpty ? "the file ends before IEND" : "the file ends inside a chunk header"
        case .data, .crc, .skip: return "the file ends inside the \(chunkType) chunk"
        }
    }

    mutating func process(_ p: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) throws {
        let n = p.count
        var i = 0
        while i < n {
            switch state {
            case .signature:
                guard p[i] == Self.signature[buffer.count] else {
                    throw error(.notThisFormat, "not a PNG: wrong signature byte", at: i)
                }
                buffer.append(p[i])
                i += 1
                if buffer.count == 8 {
                    out += buffer
                    buffer.removeAll(keepingCapacity: true)
                    state = .header
                }

            case .header:
                let take = min(8 - buffer.count, n - i)
                buffer.append(contentsOf: UnsafeBufferPointer(rebasing: p[i ..< i + take]))
                i += take
                if buffer.count == 8 { try beginChunk(at: i - 1, into: &out) }

            case .data(let remaining):
                let take = min(remaining, n - i)
                let slice = UnsafeBufferPointer(rebasing: p[i ..< i + take])
                crc.update(slice)
                out.append(contentsOf: slice)
                i += take
                state = take == remaining ? .crc : .data(remaining: remaining - take)

            case .crc:
                let take = min(4 - buffer.count, n - i)
                buffer.append(contentsOf: UnsafeBufferPointer(rebasing: p[i ..< i + take]))
                i += take
                if buffer.count == 4 {
                    let stored = UInt32(buffer[0]) << 24 | UInt32(buffer[1]) << 16 | UInt32(buffer[2]) << 8 | UInt32(buffer[3])
                    guard stored == crc.value else {
                        throw error(.badChecksum, "CRC mismatch in the \(chunkType) chunk", at: i - 1)
                    }
                    out += buffer
                    buffer.removeAll(keepingCapacity: true)
                    state = chunkType == "IEND" ? .done : .header
                }

            case .skip(let remaining):
                let take = min(remaining, n - i)
                i += take
                state = take == remaining ? .header : .skip(remaining - take)

            case .done:
                // After IEND (§5.6 it is last): appended data is not part of the image.
                i = n
            }
        }
    }

    /// `buffer` == length(4) + type(4).
    private mutating func beginChunk(at index: Int, into out: inout [UInt8]) throws {
        let length = Int(buffer[0]) << 24 | Int(buffer[1]) << 16 | Int(buffer[2]) << 8 | Int(buffer[3])
        let type = buffer[4 ..< 8]
        // §5.3: the length is at most 2^31−1; §5.4: the type is four ASCII letters.
        guard length <= 0x7FFF_FFFF else {
            throw error(.malformed, "chunk length \(length) exceeds 2^31-1", at: index)
        }
        guard type.allSatisfy({ (0x41 ... 0x5A).contains($0) || (0x61 ... 0x7A).contains($0) }) else {
            throw error(.malformed, "chunk type is not four ASCII letters", at: index)
        }
        chunkType = String(decoding: type, as: UTF8.self)
        chunkCount += 1
        let critical = type[type.startIndex] & 0x20 == 0  // §5.4: bit 5 of the first byte clear

        if chunkCount == 1 {
            guard chunkType == "IHDR" else { throw error(.malformed, "first chunk is \(chunkType), not IHDR", at: index) }
            guard length == 13 else { throw error(.malformed, "IHDR length \(length), expected 13", at: index) }
        } else if chunkType == "IHDR" {
            throw error(.malformed, "a second IHDR chunk", at: index)
        }
        if chunkType == "IDAT" { sawIDAT = true }
        if chunkType == "IEND" {
            guard length == 0 else { throw error(.malformed, "IEND with \(length) data bytes", at: index) }
            guard sawIDAT else { throw error(.malformed, "IEND before any IDAT: no image data", at: index) }
        }

        let keep: Bool
        if critical {
            guard Self.knownCritical.contains(chunkType) else {
                throw error(.unsupported, "unknown critical chunk \(chunkType)", at: index)
            }
            keep = true
        } else {
            keep = Self.keptAncillary.contains(chunkType) || (chunkType == "iCCP" && options.keepICCProfile)
        }

        if keep {
            out += buffer
            crc = CRC32()
            crc.update(Array(type))
            state = length > 0 ? .data(remaining: length) : .crc
        } else {
            state = .skip(length + 4)
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
