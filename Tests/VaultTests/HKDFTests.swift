import XCTest
@testable import Vault

final class HKDFTests: XCTestCase {
    // RFC 5869 Appendix A, test cases 1, 2 and 3 (SHA-256).
    func testCase1() throws {
        let okm = try HKDF.sha256(ikm: secure("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"),
                                  salt: hex("000102030405060708090a0b0c"), info: hex("f0f1f2f3f4f5f6f7f8f9"), outputCount: 42)
        XCTAssertEqual(okm, secure("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"))
    }

    func testCase2() throws {
        let okm = try HKDF.sha256(
            ikm: SecureBytes((0x00...0x4f).map { UInt8($0) }),
            salt: (0x60...0xaf).map { UInt8($0) },
            info: (0xb0...0xff).map { UInt8($0) },
            outputCount: 82)
        XCTAssertEqual(okm, secure("""
            b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c\
            59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71\
            cc30c58179ec3e87c14c01d5c1f3434f1d87
            """))
    }

    func testCase3EmptySaltAndInfo() throws {
        let okm = try HKDF.sha256(ikm: secure("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"), salt: [], info: [], outputCount: 42)
        XCTAssertEqual(okm, secure("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"))
    }

    func testOutputLengthLimits() throws {
        let ikm = try SecureBytes.random(count: 32)
        XCTAssertEqual(try HKDF.sha256(ikm: ikm, salt: [], info: [], outputCount: 8160).count, 8160)
        XCTAssertThrowsError(try HKDF.sha256(ikm: ikm, salt: [], info: [], outputCount: 8161))
        XCTAssertThrowsError(try HKDF.sha256(ikm: ikm, salt: [], info: [], outputCount: 0))
    }
}
