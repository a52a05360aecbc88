import XCTest
@testable import Vault

final class StreamCipherTests: XCTestCase {
    let ad = Array("case-9/attachment-2".utf8)

    func seal(_ plaintext: [UInt8], key: SecureBytes, chunkSize: Int, pieces: [Int] = [], ad: [UInt8]? = nil) throws -> [UInt8] {
        let sealer = try StreamSealer(key: key, associatedData: ad ?? self.ad, chunkSize: chunkSize)
        var out: [UInt8] = []
        var offset = 0
        var pieceIndex = 0
        while offset < plaintext.count {
            let piece = pieces.isEmpty ? plaintext.count : max(1, pieces[pieceIndex % pieces.count])
            pieceIndex += 1
            let end = min(plaintext.count, offset + piece)
            out += try sealer.update(Array(plaintext[offset..<end]))
            offset = end
        }
        return out + (try sealer.finish())
    }

    func open(_ sealed: [UInt8], key: SecureBytes, piece: Int = 7, ad: [UInt8]? = nil) throws -> [UInt8] {
        let opener = try StreamOpener(key: key, associatedData: ad ?? self.ad)
        var out: [UInt8] = []
        var offset = 0
        while offset < sealed.count {
            let end = min(sealed.count, offset + piece)
            out += try opener.update(Array(sealed[offset..<end]))
            offset = end
        }
        return out + (try opener.finish())
    }

    /// Splits a sealed stream into its header and its chunks (ciphertext | tag).
    func split(_ sealed: [UInt8], chunkSize: Int) -> (header: [UInt8], chunks: [[UInt8]]) {
        let header = Array(sealed[..<25])
        var chunks: [[UInt8]] = []
        var offset = 25
        while offset < sealed.count {
            let end = min(sealed.count, offset + chunkSize + 16)
            chunks.append(Array(sealed[offset..<end]))
            offset = end
        }
        return (header, chunks)
    }

    func testRoundTripsAcrossSizesChunkSizesAndPieces() throws {
        let key = try SecureBytes.random(count: 32)
        for chunkSize in [1, 16, 100, 65536] {
            for size in [0, 1, chunkSize - 1, chunkSize, chunkSize + 1, 3 * chunkSize, 3 * chunkSize + 5] where size >= 0 {
                let plaintext = try Random.bytes(size)
                for pieces in [[], [1], [3, 250, 17], [chunkSize]] {
                    let sealed = try seal(plaintext, key: key, chunkSize: chunkSize, pieces: pieces)
                    let chunkCount = max(1, (size + chunkSize - 1) / chunkSize)
                    XCTAssertEqual(sealed.count, 25 + size + 16 * chunkCount, "size \(size) chunk \(chunkSize)")
                    for piece in [1, 16, 4096] {
                        XCTAssertEqual(try open(sealed, key: key, piece: piece), plaintext, "size \(size) chunk \(chunkSize)")
                    }
                }
            }
        }
    }

    func testHeaderLayout() throws {
        let sealed = try seal([1, 2, 3], key: try SecureBytes.random(count: 32), chunkSize: 65536)
        XCTAssertEqual(sealed[0], 1)
        XCTAssertEqual(Array(sealed[1..<5]), [0, 1, 0, 0])
    }

    func testEveryBitFlipFailsIncludingHeader() throws {
        let key = try SecureBytes.random(count: 32)
        let sealed = try seal(Array("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN".utf8), key: key, chunkSize: 16)
        for (position, altered) in singleBitFlips(sealed) {
            XCTAssertThrowsError(try open(altered, key: key), "byte \(position)")
        }
    }

    func testWrongKeyAndWrongADFail() throws {
        let key = try SecureBytes.random(count: 32)
        let sealed = try seal(try Random.bytes(100), key: key, chunkSize: 32)
        XCTAssertThrowsError(try open(sealed, key: try SecureBytes.random(count: 32)))
        XCTAssertThrowsError(try open(sealed, key: key, ad: Array("case-9/attachment-3".utf8)))
        XCTAssertThrowsError(try open(sealed, key: key, ad: []))
    }

    func testTruncationAtEveryLengthFails() throws {
        let key = try SecureBytes.random(count: 32)
        let sealed = try seal(try Random.bytes(70), key: key, chunkSize: 16)
        for length in 0..<sealed.count {
            XCTAssertThrowsError(try open(Array(sealed[..<length]), key: key), "length \(length)")
        }
    }

    func testTruncationAtAChunkBoundarySaysSo() throws {
        let key = try SecureBytes.random(count: 32)
        let sealed = try seal(try Random.bytes(64), key: key, chunkSize: 16)
        let (header, chunks) = split(sealed, chunkSize: 16)
        XCTAssertEqual(chunks.count, 4)
        XCTAssertThrowsError(try open(header + chunks[0] + chunks[1], key: key)) { error in
            XCTAssertTrue("\(error)".contains("truncated"), "\(error)")
        }
        XCTAssertThrowsError(try open(header, key: key)) { XCTAssertTrue("\($0)".contains("before its final chunk"), "\($0)") }
        XCTAssertThrowsError(try open(Array(header.prefix(10)), key: key)) { XCTAssertTrue("\($0)".contains("header"), "\($0)") }
    }

    func testDroppedReorderedDuplicatedAndAppendedChunksFail() throws {
        let key = try SecureBytes.random(count: 32)
        let sealed = try seal(try Random.bytes(60), key: key, chunkSize: 16)
        let (header, c) = split(sealed, chunkSize: 16)
        XCTAssertEqual(c.count, 4)
        XCTAssertEqual(try open(header + c[0] + c[1] + c[2] + c[3], key: key).count, 60)
        let attacks: [String: [UInt8]] = [
            "dropped first": header + c[1] + c[2] + c[3],
            "dropped middle": header + c[0] + c[2] + c[3],
            "dropped last": header + c[0] + c[1] + c[2],
            "reordered": header + c[0] + c[2] + c[1] + c[3],
            "swapped first two": header + c[1] + c[0] + c[2] + c[3],
            "duplicated": header + c[0] + c[0] + c[1] + c[2] + c[3],
            "duplicated last": header + c[0] + c[1] + c[2] + c[3] + c[3],
            "trailing byte": sealed + [0],
            "trailing chunk": sealed + c[1],
            "two streams": sealed + sealed,
        ]
        for (name, attack) in attacks {
            XCTAssertThrowsError(try open(attack, key: key), name)
        }
        // A chunk from another stream under the same key does not fit either.
        let other = try seal(try Random.bytes(60), key: key, chunkSize: 16)
        let (_, d) = split(other, chunkSize: 16)
        XCTAssertThrowsError(try open(header + c[0] + d[1] + c[2] + c[3], key: key))
    }

    func testPlaintextIsReleasedOnlyAfterItsChunkVerifies() throws {
        let key = try SecureBytes.random(count: 32)
        let sealed = try seal(try Random.bytes(48), key: key, chunkSize: 16)
        let (header, c) = split(sealed, chunkSize: 16)
        let opener = try StreamOpener(key: key, associatedData: ad)
        // A whole chunk is held back until a byte after it shows it is not the final one.
        XCTAssertEqual(try opener.update(header + c[0]), [])
        XCTAssertEqual(try opener.update([c[1][0]]).count, 16)
        // A chunk whose tag fails yields nothing, and the opener refuses further use.
        var bad = c[1]
        bad[5] ^= 1
        let second = try StreamOpener(key: key, associatedData: ad)
        XCTAssertEqual(try second.update(header + c[0] + [bad[0]]).count, 16)
        XCTAssertThrowsError(try second.update(Array(bad[1...]) + c[2]))
        XCTAssertThrowsError(try second.update([1]))
        XCTAssertThrowsError(try second.finish())
    }

    func testMisuseAndLimits() throws {
        let key = try SecureBytes.random(count: 32)
        let sealer = try StreamSealer(key: key, chunkSize: 16)
        _ = try sealer.finish()
        XCTAssertThrowsError(try sealer.update([1]))
        XCTAssertThrowsError(try sealer.finish())
        XCTAssertThrowsError(try StreamSealer(key: key, chunkSize: 0))
        XCTAssertThrowsError(try StreamSealer(key: key, chunkSize: 16 * 1024 * 1024 + 1))
        XCTAssertThrowsError(try StreamSealer(key: SecureBytes([1, 2, 3])))
        XCTAssertThrowsError(try StreamOpener(key: SecureBytes([1, 2, 3])))
        // An opener with a lower chunk ceiling refuses a header above it before allocating.
        let big = try seal([1], key: key, chunkSize: 1 << 20, ad: [])
        let opener = try StreamOpener(key: key, maximumChunkSize: 65536)
        XCTAssertThrowsError(try opener.update(big)) { XCTAssertTrue("\($0)".contains("chunk size"), "\($0)") }
        var versioned = try seal([1], key: key, chunkSize: 16)
        versioned[0] = 2
        XCTAssertThrowsError(try open(versioned, key: key)) {
            XCTAssertEqual($0 as? VaultError, .unsupportedVersion(what: "Encrypted stream", found: 2, supported: 1))
        }
    }

    func testEmptyStreamStillHasAnAuthenticatedFinalChunk() throws {
        let key = try SecureBytes.random(count: 32)
        let sealed = try seal([], key: key, chunkSize: 16)
        XCTAssertEqual(sealed.count, 25 + 16)
        XCTAssertEqual(try open(sealed, key: key), [])
        XCTAssertThrowsError(try open(Array(sealed[..<25]), key: key))
    }
}
