import XCTest
@testable import Presentation

final class QRCodeReedSolomonTests: XCTestCase {
    /// Carry-less multiplication reduced by 0x11D, written independently of
    /// the table-driven GF256.multiply so the two can check each other.
    private func slowMultiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        var x = Int(a), y = Int(b), product = 0
        while y != 0 {
            if y & 1 == 1 { product ^= x }
            y >>= 1
            x <<= 1
            if x & 0x100 != 0 { x ^= 0x11D }
        }
        return UInt8(product)
    }

    func testFieldTablesFollowPrimitivePolynomial() {
        XCTAssertEqual(GF256.exp[0], 1)
        XCTAssertEqual(GF256.exp[1], 2)
        XCTAssertEqual(GF256.exp[7], 128)
        XCTAssertEqual(GF256.exp[8], 0x1D, "α^8 = x^4 + x^3 + x^2 + 1 under 0x11D")
        XCTAssertEqual(GF256.exp[255], 1, "α has order 255")
        // α is primitive: its powers visit every non-zero element exactly once.
        XCTAssertEqual(Set(GF256.exp[0..<255]).count, 255)
        XCTAssertFalse(GF256.exp[0..<255].contains(0))
        for v in 1...255 { XCTAssertEqual(Int(GF256.exp[GF256.log[v]]), v) }
    }

    func testMultiplicationAgreesWithCarryLessReference() {
        for a in 0...255 {
            for b in 0...255 {
                let (x, y) = (UInt8(a), UInt8(b))
                if GF256.multiply(x, y) != slowMultiply(x, y) {
                    XCTFail("\(a)·\(b): \(GF256.multiply(x, y)) != \(slowMultiply(x, y))")
                    return
                }
            }
        }
    }

    func testFieldAxioms() {
        for a in 1...255 {
            let x = UInt8(a)
            XCTAssertEqual(GF256.multiply(x, GF256.inverse(x)), 1, "inverse of \(a)")
            XCTAssertEqual(GF256.multiply(x, 1), x)
            XCTAssertEqual(GF256.multiply(x, 0), 0)
        }
        // Spot-check distributivity over XOR (field addition).
        for (a, b, c) in [(3, 7, 200), (0x53, 0xCA, 0x01), (255, 254, 253)] as [(UInt8, UInt8, UInt8)] {
            XCTAssertEqual(GF256.multiply(a, b ^ c), GF256.multiply(a, b) ^ GF256.multiply(a, c))
        }
    }

    /// Generator polynomials as exponents of α, from the tables of ISO/IEC 18004
    /// Annex A (also reproduced in the Thonky QR tutorial).
    func testGeneratorPolynomials() {
        func exponents(_ degree: Int) -> [Int] { ReedSolomon.generator(degree: degree).map { GF256.log[Int($0)] } }
        XCTAssertEqual(exponents(7), [87, 229, 146, 149, 238, 102, 21])
        XCTAssertEqual(exponents(10), [251, 67, 46, 61, 118, 70, 64, 94, 32, 45])
    }

    /// "HELLO WORLD" in alphanumeric mode, version 1-M (Thonky tutorial).
    func testHelloWorldAlphanumeric1M() {
        let data: [UInt8] = [32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17]
        XCTAssertEqual(ReedSolomon.errorCorrection(for: data, count: 10),
                       [196, 35, 39, 119, 235, 215, 231, 226, 93, 23])
    }

    /// "01234567" in numeric mode, version 1-M (ISO/IEC 18004 Annex I worked example).
    func testNumericAnnexExample1M() {
        let data: [UInt8] = [0x10, 0x20, 0x0C, 0x56, 0x61, 0x80, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11]
        XCTAssertEqual(ReedSolomon.errorCorrection(for: data, count: 10),
                       [0xA5, 0x24, 0xD4, 0xC1, 0xED, 0x36, 0xC7, 0x87, 0x2C, 0x55])
    }

    /// "'Twas brillig" in byte mode, version 1-M (the worked example of the
    /// Wikiversity "Reed–Solomon codes for coders" article): checks our byte-mode
    /// bit stream (mode, count, terminator, padding) and RS together.
    func testTwasBrilligByteMode1M() {
        let data = QRCode.dataCodewords(bytes: Array("'Twas brillig".utf8), version: 1, errorCorrection: .medium)
        XCTAssertEqual(data, [0x40, 0xD2, 0x75, 0x47, 0x76, 0x17, 0x32, 0x06,
                              0x27, 0x26, 0x96, 0xC6, 0xC6, 0x96, 0x70, 0xEC])
        XCTAssertEqual(ReedSolomon.errorCorrection(for: data, count: 10),
                       [0xBC, 0x2A, 0x90, 0x13, 0x6B, 0xAF, 0xEF, 0xFD, 0x4B, 0xE0])
    }

    /// A codeword block (data followed by its RS remainder) is a multiple of
    /// g(x), so it evaluates to zero at every root α^0...α^(n-1).
    func testCodewordsVanishAtGeneratorRoots() {
        let data: [UInt8] = (0..<40).map { UInt8(($0 * 53 + 7) % 256) }
        for degree in [7, 18, 30] {
            let block = data + ReedSolomon.errorCorrection(for: data, count: degree)
            for i in 0..<degree {
                let root = GF256.exp[i]
                let value = block.reduce(UInt8(0)) { GF256.multiply($0, root) ^ $1 }
                XCTAssertEqual(value, 0, "degree \(degree), root α^\(i)")
            }
        }
    }

    func testInterleavingFollowsBlockTable() {
        // Version 5-Q: two blocks of 15 data codewords and two of 16, 18 EC each
        // (ISO/IEC 18004:2015, Table 9); the long blocks' last codewords come last.
        let data = (0..<62).map { UInt8($0) }
        let sequence = QRCode.finalSequence(dataCodewords: data, version: 5, errorCorrection: .quartile)
        XCTAssertEqual(sequence.count, 134)
        XCTAssertEqual(Array(sequence[0..<8]), [0, 15, 30, 46, 1, 16, 31, 47])
        XCTAssertEqual(Array(sequence[56..<62]), [14, 29, 44, 60, 45, 61])
        let ecFirstBlock = ReedSolomon.errorCorrection(for: Array(data[0..<15]), count: 18)
        let ecLastBlock = ReedSolomon.errorCorrection(for: Array(data[46..<62]), count: 18)
        XCTAssertEqual(sequence[62], ecFirstBlock[0])
        XCTAssertEqual(sequence[65], ecLastBlock[0])
        XCTAssertEqual(sequence[133], ecLastBlock[17])
    }
}
