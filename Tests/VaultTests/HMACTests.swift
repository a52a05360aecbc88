import XCTest
@testable import Vault

final class HMACTests: XCTestCase {
    // RFC 4231 test cases 1 and 2 (HMAC-SHA-256).
    func testRFC4231() throws {
        XCTAssertEqual(hex(try HMAC.sha256(key: SecureBytes([UInt8](repeating: 0x0b, count: 20)), message: Array("Hi There".utf8))),
                       "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        XCTAssertEqual(hex(try HMAC.sha256(key: SecureBytes(Array("Jefe".utf8)), message: Array("what do ya want for nothing?".utf8))),
                       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    // RFC 2202 test cases 1 and 2 (HMAC-SHA-1).
    func testRFC2202() throws {
        XCTAssertEqual(hex(try HMAC.sha1(key: SecureBytes([UInt8](repeating: 0x0b, count: 20)), message: Array("Hi There".utf8))),
                       "b617318655057264e28bc0b6fb378c8ef146be00")
        XCTAssertEqual(hex(try HMAC.sha1(key: SecureBytes(Array("Jefe".utf8)), message: Array("what do ya want for nothing?".utf8))),
                       "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79")
    }

    func testIncrementalAndValidation() throws {
        let key = try SecureBytes.random(count: 32)
        let message = try Random.bytes(5000)
        let mac = try HMAC.Authenticator(algorithm: .sha256, key: key)
        try mac.update(Array(message[..<1234]))
        try mac.update(Array(message[1234...]))
        let tag = try mac.finalize()
        XCTAssertEqual(tag, try HMAC.sha256(key: key, message: message))
        XCTAssertTrue(try HMAC.isValid(tag, algorithm: .sha256, key: key, message: message))
        var bad = tag
        bad[31] ^= 1
        XCTAssertFalse(try HMAC.isValid(bad, algorithm: .sha256, key: key, message: message))
        XCTAssertFalse(try HMAC.isValid(Array(tag.prefix(16)), algorithm: .sha256, key: key, message: message))
    }

    func testEmptyKeyIsAKeyOfItsOwn() throws {
        // With a NULL key OpenSSL would silently reuse a previous key; an empty key must give the
        // RFC 2104 result for a zero-length key, distinct from any other key.
        let empty = try HMAC.sha256(key: SecureBytes([]), message: [])
        XCTAssertEqual(hex(empty), "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad")
    }
}
