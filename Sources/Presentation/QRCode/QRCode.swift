// QR Code model 2 encoder, byte mode only (ISO/IEC 18004:2015).
//
// Used to show TOTP enrolment URIs as inline SVG without any third-party code:
// everything a staff member's phone scans is produced here and can be audited.

/// A QR Code symbol holding a byte string.
///
/// Only byte mode (ISO/IEC 18004:2015, 7.4.5) is used: an `otpauth://` URI is
/// mixed-case ASCII, for which alphanumeric mode does not apply and segment
/// optimisation would save at most a few codewords. No ECI header is written,
/// so non-Latin-1 text is left for the reader to detect (as most readers do
/// for UTF-8).
public struct QRCode: Sendable, Equatable {
    /// Error correction level (ISO/IEC 18004:2015, 4.13 and Table 13).
    public enum ErrorCorrection: Sendable, CaseIterable, Equatable {
        /// Recovers about 7 % of codewords.
        case low
        /// Recovers about 15 % of codewords.
        case medium
        /// Recovers about 25 % of codewords.
        case quartile
        /// Recovers about 30 % of codewords.
        case high

        /// The two format-information bits (ISO/IEC 18004:2015, Table 12);
        /// deliberately not in L, M, Q, H order, as the standard assigns them.
        var formatBits: Int {
            switch self {
            case .low: return 1
            case .medium: return 0
            case .quartile: return 3
            case .high: return 2
            }
        }

        /// Row index into `QRCode.eccPerBlock` and `QRCode.blockCount`.
        var tableIndex: Int {
            switch self {
            case .low: return 0
            case .medium: return 1
            case .quartile: return 2
            case .high: return 3
            }
        }
    }

    public enum EncodingError: Error, Equatable, Sendable, CustomStringConvertible {
        /// The data does not fit even a version 40 symbol at this level.
        case dataTooLong(byteCount: Int, maximumByteCount: Int, errorCorrection: ErrorCorrection)

        public var description: String {
            switch self {
            case let .dataTooLong(count, maximum, level):
                return "QR code data too long: \(count) bytes, at most \(maximum) fit at error correction level \(level)"
            }
        }
    }

    static let minimumVersion = 1
    static let maximumVersion = 40

    /// Version 1...40; the symbol is 4·version + 17 modules wide.
    let version: Int
    let errorCorrection: ErrorCorrection
    /// The data mask pattern reference, 0...7 (ISO/IEC 18004:2015, Table 10).
    let mask: Int
    /// Width and height in modules, quiet zone excluded.
    let size: Int

    /// Row-major, `true` = dark.
    let modules: [Bool]

    /// Encodes `bytes` in the smallest version that holds them at `errorCorrection`,
    /// choosing the mask pattern with the lowest penalty.
    public init(bytes: [UInt8], errorCorrection: ErrorCorrection = .medium) throws {
        try self.init(bytes: bytes, errorCorrection: errorCorrection, mask: nil)
    }

    /// As the public initialiser; `mask` forces a mask pattern (tests use it to
    /// compare module-for-module with encoders that score masks differently).
    init(bytes: [UInt8], errorCorrection: ErrorCorrection, mask forcedMask: Int?) throws {
        if let forcedMask { precondition((0...7).contains(forcedMask), "mask must be 0...7") }
        guard let version = Self.smallestVersion(byteCount: bytes.count, errorCorrection: errorCorrection) else {
            throw EncodingError.dataTooLong(
                byteCount: bytes.count,
                maximumByteCount: Self.byteCapacity(version: Self.maximumVersion, errorCorrection: errorCorrection),
                errorCorrection: errorCorrection)
        }
        let codewords = Self.dataCodewords(bytes: bytes, version: version, errorCorrection: errorCorrection)
        let sequence = Self.finalSequence(dataCodewords: codewords, version: version, errorCorrection: errorCorrection)

        var grid = Grid(version: version)
        grid.drawFunctionPatterns()
        grid.placeCodewords(sequence)

        let chosen: Int
        if let forcedMask {
            chosen = forcedMask
        } else {
            // ISO/IEC 18004:2015, 7.8.3.1: score every pattern and keep the
            // lowest; ties go to the lower reference, as nothing else is specified.
            var best = (mask: 0, penalty: Int.max)
            for candidate in 0..<8 {
                var trial = grid
                trial.applyMask(candidate)
                trial.drawFormatInformation(errorCorrection: errorCorrection, mask: candidate)
                let penalty = Self.penalty(modules: trial.modules, size: trial.size)
                if penalty < best.penalty { best = (candidate, penalty) }
            }
            chosen = best.mask
        }
        grid.applyMask(chosen)
        grid.drawFormatInformation(errorCorrection: errorCorrection, mask: chosen)

        self.version = version
        self.errorCorrection = errorCorrection
        self.mask = chosen
        self.size = grid.size
        self.modules = grid.modules
    }

    /// Whether the module at column `x`, row `y` (origin top-left) is dark.
    /// Coordinates outside the symbol are the quiet zone, hence light.
    func isDark(x: Int, y: Int) -> Bool {
        guard x >= 0, y >= 0, x < size, y < size else { return false }
        return modules[y * size + x]
    }

    /// The symbol as rows of modules, `true` = dark.
    var rows: [[Bool]] {
        (0..<size).map { y in Array(modules[(y * size)..<((y + 1) * size)]) }
    }
}

// MARK: - Capacity (ISO/IEC 18004:2015, 7.4.1 and Tables 7, 9)

extension QRCode {
    /// Error correction codewords per block, [level][version]; index 0 unused.
    /// Transcribed from ISO/IEC 18004:2015, Table 9: the standard fixes these,
    /// they cannot be derived.
    static let eccPerBlock: [[Int]] = [
        [-1, 7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28, 28, 28, 30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
        [-1, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28],
        [-1, 13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30, 28, 30, 30, 30, 30, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
        [-1, 17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28, 30, 24, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
    ]

    /// Number of error correction blocks, [level][version]; index 0 unused
    /// (ISO/IEC 18004:2015, Table 9).
    static let blockCount: [[Int]] = [
        [-1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8, 8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25],
        [-1, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49],
        [-1, 1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20, 23, 23, 25, 27, 29, 34, 34, 35, 38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68],
        [-1, 1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25, 25, 34, 30, 32, 35, 37, 40, 42, 45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81],
    ]

    /// Modules left for codewords once function patterns, format and version
    /// information are removed (ISO/IEC 18004:2015, Table 1). Computed rather
    /// than tabulated: it follows from the pattern geometry in 6.3.
    static func rawDataModules(version: Int) -> Int {
        var result = (16 * version + 128) * version + 64
        if version >= 2 {
            let alignmentsPerAxis = version / 7 + 2
            result -= (25 * alignmentsPerAxis - 10) * alignmentsPerAxis - 55
            if version >= 7 { result -= 36 }  // two 6×3 version information blocks
        }
        return result
    }

    /// Total codewords; leftover modules are remainder bits (Table 1).
    static func totalCodewords(version: Int) -> Int { rawDataModules(version: version) / 8 }

    static func dataCodewordCount(version: Int, errorCorrection: ErrorCorrection) -> Int {
        let level = errorCorrection.tableIndex
        return totalCodewords(version: version) - eccPerBlock[level][version] * blockCount[level][version]
    }

    /// Bits of the byte-mode character count indicator (ISO/IEC 18004:2015, Table 3).
    static func countIndicatorBits(version: Int) -> Int { version <= 9 ? 8 : 16 }

    /// Most bytes one byte-mode segment can carry in this version and level.
    static func byteCapacity(version: Int, errorCorrection: ErrorCorrection) -> Int {
        let bits = dataCodewordCount(version: version, errorCorrection: errorCorrection) * 8
        let available = (bits - 4 - countIndicatorBits(version: version)) / 8
        // The count indicator also bounds the length (255 below version 10).
        return min(available, (1 << countIndicatorBits(version: version)) - 1)
    }

    static func smallestVersion(byteCount: Int, errorCorrection: ErrorCorrection) -> Int? {
        (minimumVersion...maximumVersion).first { byteCapacity(version: $0, errorCorrection: errorCorrection) >= byteCount }
    }
}

// MARK: - Data encoding and error correction (ISO/IEC 18004:2015, 7.4–7.6)

extension QRCode {
    /// The data codewords: mode indicator, count, bytes, terminator and padding.
    static func dataCodewords(bytes: [UInt8], version: Int, errorCorrection: ErrorCorrection) -> [UInt8] {
        let capacityBits = dataCodewordCount(version: version, errorCorrection: errorCorrection) * 8
        var bits = BitBuffer()
        bits.append(0b0100, count: 4)  // byte mode indicator, 7.4.2 Table 2
        bits.append(bytes.count, count: countIndicatorBits(version: version))
        for byte in bytes { bits.append(Int(byte), count: 8) }
        precondition(bits.count <= capacityBits, "version chosen too small")
        // 7.4.9: up to four zero bits of terminator, fewer if the symbol is full.
        bits.append(0, count: min(4, capacityBits - bits.count))
        // 7.4.10: zero bits to the next codeword boundary...
        bits.append(0, count: (8 - bits.count % 8) % 8)
        var codewords = bits.bytes
        // ...then alternating pad codewords 11101100 and 00010001.
        var pad: UInt8 = 0xEC
        while codewords.count * 8 < capacityBits {
            codewords.append(pad)
            pad = pad == 0xEC ? 0x11 : 0xEC
        }
        return codewords
    }

    /// Splits data into the blocks of Table 9, appends each block's RS
    /// codewords and interleaves them (7.5.2, 7.6): interleaving spreads a
    /// localised smudge over many blocks so that each stays correctable.
    static func finalSequence(dataCodewords data: [UInt8], version: Int, errorCorrection: ErrorCorrection) -> [UInt8] {
        let level = errorCorrection.tableIndex
        let blocks = blockCount[level][version]
        let eccLength = eccPerBlock[level][version]
        let total = totalCodewords(version: version)
        // Where codewords do not divide evenly, the later blocks carry one
        // more data codeword (Table 9 lists them as a second (c, k) row).
        let shortBlocks = blocks - total % blocks
        let shortDataLength = total / blocks - eccLength
        let generator = ReedSolomon.generator(degree: eccLength)

        var dataBlocks: [[UInt8]] = []
        var eccBlocks: [[UInt8]] = []
        var offset = 0
        for index in 0..<blocks {
            let length = shortDataLength + (index < shortBlocks ? 0 : 1)
            let block = Array(data[offset..<(offset + length)])
            offset += length
            dataBlocks.append(block)
            eccBlocks.append(ReedSolomon.remainder(of: block, generator: generator))
        }
        precondition(offset == data.count, "block table does not match data capacity")

        var result: [UInt8] = []
        result.reserveCapacity(total)
        for i in 0...shortDataLength {
            for block in dataBlocks where i < block.count { result.append(block[i]) }
        }
        for i in 0..<eccLength {
            for block in eccBlocks { result.append(block[i]) }
        }
        return result
    }
}

/// Most-significant-bit-first bit accumulator (7.4: bits are written MSB first).
struct BitBuffer {
    private(set) var bytes: [UInt8] = []
    private(set) var count = 0

    mutating func append(_ value: Int, count length: Int) {
        precondition(length >= 0 && (length == 0 || value >> length == 0), "value does not fit")
        for shift in stride(from: length - 1, through: 0, by: -1) {
            if count % 8 == 0 { bytes.append(0) }
            if (value >> shift) & 1 == 1 { bytes[bytes.count - 1] |= UInt8(0x80 >> (count % 8)) }
            count += 1
        }
    }
}

// MARK: - Symbol construction (ISO/IEC 18004:2015, 6.3, 7.7–7.10)

extension QRCode {
    /// The mutable symbol while it is being built.
    struct Grid: Sendable {
        let version: Int
        let size: Int
        var modules: [Bool]
        /// Modules that belong to function patterns or format/version
        /// information and so are neither data nor masked (7.7.1, 7.8.1).
        var isFunction: [Bool]

        init(version: Int) {
            self.version = version
            size = version * 4 + 17
            modules = Array(repeating: false, count: size * size)
            isFunction = Array(repeating: false, count: size * size)
        }

        private mutating func setFunction(x: Int, y: Int, dark: Bool) {
            modules[y * size + x] = dark
            isFunction[y * size + x] = true
        }

        mutating func drawFunctionPatterns() {
            // Timing patterns first (6.3.5); the finders then overwrite their ends.
            for i in 0..<size {
                setFunction(x: 6, y: i, dark: i % 2 == 0)
                setFunction(x: i, y: 6, dark: i % 2 == 0)
            }
            // Finder patterns with their separators (6.3.3, 6.3.4).
            drawFinder(centerX: 3, centerY: 3)
            drawFinder(centerX: size - 4, centerY: 3)
            drawFinder(centerX: 3, centerY: size - 4)

            // Alignment patterns (6.3.6), skipping the three that would overlap finders.
            let positions = QRCode.alignmentPatternPositions(version: version)
            let last = positions.count - 1
            for (i, cy) in positions.enumerated() {
                for (j, cx) in positions.enumerated() {
                    if (i == 0 && j == 0) || (i == 0 && j == last) || (i == last && j == 0) { continue }
                    for dy in -2...2 {
                        for dx in -2...2 {
                            setFunction(x: cx + dx, y: cy + dy, dark: max(abs(dx), abs(dy)) != 1)
                        }
                    }
                }
            }

            // Reserve format information (7.9.1) with placeholder bits so that
            // codeword placement skips it; the real bits depend on the mask.
            drawFormatInformation(bits: 0)
            drawVersionInformation()
        }

        private mutating func drawFinder(centerX: Int, centerY: Int) {
            // 7×7 finder plus the one-module light separator around it (6.3.4).
            for dy in -4...4 {
                for dx in -4...4 {
                    let x = centerX + dx, y = centerY + dy
                    guard x >= 0, x < size, y >= 0, y < size else { continue }
                    let ring = max(abs(dx), abs(dy))
                    setFunction(x: x, y: y, dark: ring != 2 && ring != 4)
                }
            }
        }

        /// Format information (7.9): BCH(15,5) over the level and mask bits,
        /// XORed with 101010000010010 so that it is never all-zero.
        static func formatBits(errorCorrection: ErrorCorrection, mask: Int) -> Int {
            let data = errorCorrection.formatBits << 3 | mask
            var remainder = data
            for _ in 0..<10 { remainder = (remainder << 1) ^ ((remainder >> 9) * 0x537) }
            return ((data << 10) | remainder) ^ 0x5412
        }

        mutating func drawFormatInformation(errorCorrection: ErrorCorrection, mask: Int) {
            drawFormatInformation(bits: Self.formatBits(errorCorrection: errorCorrection, mask: mask))
        }

        /// Places both copies of the 15 format bits (7.9.1); bit 0 is the LSB.
        private mutating func drawFormatInformation(bits: Int) {
            func bit(_ i: Int) -> Bool { (bits >> i) & 1 == 1 }
            // Copy around the top-left finder, skipping the timing pattern at 6.
            for i in 0...5 { setFunction(x: 8, y: i, dark: bit(i)) }
            setFunction(x: 8, y: 7, dark: bit(6))
            setFunction(x: 8, y: 8, dark: bit(7))
            setFunction(x: 7, y: 8, dark: bit(8))
            for i in 9..<15 { setFunction(x: 14 - i, y: 8, dark: bit(i)) }
            // Second copy split between the other two finders, so that one
            // damaged corner does not lose the format.
            for i in 0..<8 { setFunction(x: size - 1 - i, y: 8, dark: bit(i)) }
            for i in 8..<15 { setFunction(x: 8, y: size - 15 + i, dark: bit(i)) }
            // The module above that copy is always dark (7.9.1).
            setFunction(x: 8, y: size - 8, dark: true)
        }

        /// Version information (7.10) for versions 7 and up: the version number
        /// protected by an (18,6) Golay code, placed beside both upper-right and
        /// lower-left finders because readers cannot infer the size reliably there.
        static func versionBits(version: Int) -> Int {
            var remainder = version
            for _ in 0..<12 { remainder = (remainder << 1) ^ ((remainder >> 11) * 0x1F25) }
            return version << 12 | remainder
        }

        private mutating func drawVersionInformation() {
            guard version >= 7 else { return }
            let bits = Self.versionBits(version: version)
            for i in 0..<18 {
                let dark = (bits >> i) & 1 == 1
                let a = size - 11 + i % 3
                let b = i / 3
                setFunction(x: a, y: b, dark: dark)  // upper right, 6 rows × 3 columns
                setFunction(x: b, y: a, dark: dark)  // lower left, transposed
            }
        }

        /// Places codeword bits in two-module-wide columns, zig-zagging up and
        /// down from the bottom-right corner and skipping the vertical timing
        /// pattern (7.7.3). Modules left over are remainder bits and stay 0.
        mutating func placeCodewords(_ codewords: [UInt8]) {
            let totalBits = codewords.count * 8
            var bitIndex = 0
            var right = size - 1
            while right >= 1 {
                if right == 6 { right = 5 }
                let upward = (right + 1) & 2 == 0
                for vertical in 0..<size {
                    let y = upward ? size - 1 - vertical : vertical
                    for x in [right, right - 1] where !isFunction[y * size + x] && bitIndex < totalBits {
                        let byte = codewords[bitIndex >> 3]
                        modules[y * size + x] = (byte >> (7 - UInt8(bitIndex & 7))) & 1 == 1
                        bitIndex += 1
                    }
                }
                right -= 2
            }
            precondition(bitIndex == totalBits, "codewords do not fill the symbol")
        }

        /// XORs the data mask over the encoding region only (7.8.2, Table 10);
        /// i is the row and j the column, as in the standard's conditions.
        mutating func applyMask(_ mask: Int) {
            for i in 0..<size {
                for j in 0..<size where !isFunction[i * size + j] {
                    let invert: Bool
                    switch mask {
                    case 0: invert = (i + j) % 2 == 0
                    case 1: invert = i % 2 == 0
                    case 2: invert = j % 3 == 0
                    case 3: invert = (i + j) % 3 == 0
                    case 4: invert = (i / 2 + j / 3) % 2 == 0
                    case 5: invert = (i * j) % 2 + (i * j) % 3 == 0
                    case 6: invert = ((i * j) % 2 + (i * j) % 3) % 2 == 0
                    case 7: invert = ((i + j) % 2 + (i * j) % 3) % 2 == 0
                    default: preconditionFailure("mask must be 0...7")
                    }
                    if invert { modules[i * size + j].toggle() }
                }
            }
        }
    }

    /// Centre coordinates of alignment patterns on each axis (Annex E, Table E.1).
    /// Computed: the table is evenly spaced from 6 to size − 7 with an even
    /// step, rounded up, except version 32 whose step the table gives as 26.
    static func alignmentPatternPositions(version: Int) -> [Int] {
        guard version >= 2 else { return [] }
        let count = version / 7 + 2
        let size = version * 4 + 17
        let step = version == 32 ? 26 : (version * 4 + count * 2 + 1) / (count * 2 - 2) * 2
        var positions = [6]
        var position = size - 7
        while positions.count < count {
            positions.insert(position, at: 1)
            position -= step
        }
        return positions
    }
}

// MARK: - Mask evaluation (ISO/IEC 18004:2015, 7.8.3.1, Table 11)

extension QRCode {
    /// Penalty score of a complete symbol, row-major `modules`, `true` = dark.
    ///
    /// 7.8.3.1 evaluates "the complete symbol" even though only the encoding
    /// region is masked, so callers pass the symbol with format information drawn.
    static func penalty(modules: [Bool], size: Int) -> Int {
        func dark(_ x: Int, _ y: Int) -> Bool { modules[y * size + x] }
        var score = 0

        for horizontal in [true, false] {
            for line in 0..<size {
                let at: (Int) -> Bool = horizontal ? { dark($0, line) } : { dark(line, $0) }
                // N1: a run of 5 + i same-coloured modules scores 3 + i.
                var runColour = at(0)
                var runLength = 1
                for k in 1..<size {
                    if at(k) == runColour {
                        runLength += 1
                    } else {
                        if runLength >= 5 { score += runLength - 2 }
                        runColour = at(k)
                        runLength = 1
                    }
                }
                if runLength >= 5 { score += runLength - 2 }

                // N3: 1:1:3:1:1 dark:light:dark:light:dark with 4 light modules on
                // either side. Outside the symbol counts as light, because the
                // quiet zone (6.3.8) is what a reader sees there; a pattern with
                // light on both sides is one occurrence and scores once.
                let finder: [Bool] = [true, false, true, true, true, false, true]
                func light(_ range: Range<Int>) -> Bool {
                    range.allSatisfy { $0 < 0 || $0 >= size || !at($0) }
                }
                if size >= 7 {
                    for start in 0...(size - 7) where (0..<7).allSatisfy({ at(start + $0) == finder[$0] }) {
                        if light((start - 4)..<start) || light((start + 7)..<(start + 11)) { score += 40 }
                    }
                }
            }
        }

        // N2: every 2×2 block of one colour scores 3; an m×n block is thereby
        // charged 3·(m−1)·(n−1) as Table 11 asks.
        for y in 0..<(size - 1) {
            for x in 0..<(size - 1) {
                let c = dark(x, y)
                if dark(x + 1, y) == c && dark(x, y + 1) == c && dark(x + 1, y + 1) == c { score += 3 }
            }
        }

        // N4: 10 points per full 5 % step the dark proportion is away from 50 %.
        let darkCount = modules.reduce(0) { $0 + ($1 ? 1 : 0) }
        let total = size * size
        score += 10 * (abs(darkCount * 20 - total * 10) / total)
        return score
    }
}
