import XCTest
@testable import Presentation

/// Deterministic piece sizes for split-anywhere tests (SplitMix64).
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension StreamTransformer {
    /// Feeds `bytes` in pieces whose sizes come from `nextSize`, then finishes.
    mutating func transform(_ bytes: [UInt8], nextSize: () -> Int) throws -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            let end = min(bytes.count, i + max(1, nextSize()))
            out += try feed(Array(bytes[i ..< end]))
            i = end
        }
        out += try finish()
        return out
    }
}

/// The output must not depend on where the network split the upload.
func assertSplitIndependent<T: StreamTransformer>(_ make: () -> T, _ input: [UInt8],
                                                  file: StaticString = #filePath, line: UInt = #line) throws {
    var whole = make()
    let expected = try whole.transformAll(input)
    var single = make()
    XCTAssertEqual(try single.transform(input, nextSize: { 1 }), expected, "1-byte pieces", file: file, line: line)
    for seed in UInt64(1) ... 20 {
        var rng = SplitMix64(state: seed)
        var random = make()
        let out = try random.transform(input, nextSize: { Int.random(in: 0 ... 17, using: &rng) })
        XCTAssertEqual(out, expected, "random pieces, seed \(seed)", file: file, line: line)
    }
}

func containsASCII(_ haystack: [UInt8], _ needle: String) -> Bool {
    let n = Array(needle.utf8)
    guard !n.isEmpty, haystack.count >= n.count else { return false }
    for i in 0 ... haystack.count - n.count where haystack[i] == n[0] && Array(haystack[i ..< i + n.count]) == n {
        return true
    }
    return false
}

final class StreamTransformerMetadataTests: XCTestCase {
    /// Upper-cases ASCII, to exercise the protocol's default `transformAll` without a real stripper.
    struct Upper: StreamTransformer {
        var finished = false
        mutating func feed(_ bytes: [UInt8]) throws -> [UInt8] { bytes.map { (0x61 ... 0x7A).contains($0) ? $0 - 0x20 : $0 } }
        mutating func finish() throws -> [UInt8] { finished = true; return Array("!".utf8) }
    }

    func testTransformAllFeedsThenFinishes() throws {
        var t = Upper()
        XCTAssertEqual(try t.transformAll(Array("abc".utf8)), Array("ABC!".utf8))
        XCTAssertTrue(t.finished)
        try assertSplitIndependent({ Upper() }, Array("split me anywhere".utf8))
    }

    func testErrorDescriptionNamesFormatOffsetAndReason() {
        let e = MetadataError(.badChecksum, format: "PNG", offset: 42, "CRC mismatch in the IDAT chunk")
        XCTAssertEqual(e.description, "PNG metadata stripping failed at byte 42: CRC mismatch in the IDAT chunk")
        XCTAssertEqual(e.kind, .badChecksum)
    }
}
