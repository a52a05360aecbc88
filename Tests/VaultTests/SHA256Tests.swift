import XCTest
@testable import Vault

final class SHA256Tests: XCTestCase {
    // FIPS 180-2 Appendix B.1 and B.2, and the empty message.
    func testKnownAnswers() throws {
        XCTAssertEqual(hex(try SHA256.hash(Array("abc".utf8))),
                       "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(hex(try SHA256.hash(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        XCTAssertEqual(hex(try SHA256.hash([])),
                       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    func testIncrementalMatchesOneShot() throws {
        let data = try Random.bytes(10_000)
        let hasher = try SHA256.Hasher()
        var offset = 0
        for piece in [0, 1, 63, 64, 65, 1000, 8807] {
            try hasher.update(Array(data[offset..<(offset + piece)]))
            offset += piece
        }
        XCTAssertEqual(offset, data.count)
        XCTAssertEqual(try hasher.finalize(), try SHA256.hash(data))
        XCTAssertThrowsError(try hasher.finalize())
        XCTAssertThrowsError(try hasher.update([1]))
    }
}
