import XCTest
@testable import Vault

final class TOTPTests: XCTestCase {
    let rfcSecret = SecureBytes(Array("12345678901234567890".utf8))
    // RFC 6238 Appendix B, SHA-1 column.
    let vectors: [(Double, String)] = [(59, "94287082"), (1_111_111_109, "07081804"), (1_111_111_111, "14050471"),
                                       (1_234_567_890, "89005924"), (2_000_000_000, "69279037"), (20_000_000_000, "65353130")]

    func testRFC6238EightDigits() throws {
        for (time, expected) in vectors {
            XCTAssertEqual(try TOTP.code(secret: rfcSecret, time: Date(timeIntervalSince1970: time), digits: 8), expected)
        }
    }

    func testRFC6238SixDigitsAreTheLastSix() throws {
        for (time, expected) in vectors {
            XCTAssertEqual(try TOTP.code(secret: rfcSecret, time: Date(timeIntervalSince1970: time)), String(expected.suffix(6)))
        }
    }

    func testWindowIsOneStepEitherSide() throws {
        let now = Date(timeIntervalSince1970: 1_234_567_890)
        let code = try TOTP.code(secret: rfcSecret, time: now)
        XCTAssertTrue(TOTP.verify(code: code, secret: rfcSecret, time: now))
        XCTAssertTrue(TOTP.verify(code: code, secret: rfcSecret, time: now + 30))
        XCTAssertTrue(TOTP.verify(code: code, secret: rfcSecret, time: now - 30))
        XCTAssertFalse(TOTP.verify(code: code, secret: rfcSecret, time: now + 60))
        XCTAssertFalse(TOTP.verify(code: code, secret: rfcSecret, time: now - 60))
        XCTAssertEqual(try TOTP.matchingCounter(code: code, secret: rfcSecret, time: now + 30), 1_234_567_890 / 30)
    }

    func testRejectsMalformedAndWrongCodes() throws {
        let now = Date(timeIntervalSince1970: 59)
        XCTAssertTrue(TOTP.verify(code: "287082", secret: rfcSecret, time: now))
        for bad in ["287083", "28708", "2870820", "94287082", "28708a", " 287082", "２８７０８２", ""] {
            XCTAssertFalse(TOTP.verify(code: bad, secret: rfcSecret, time: now), bad)
        }
        XCTAssertFalse(TOTP.verify(code: "287082", secret: SecureBytes(Array("other secret".utf8)), time: now))
    }

    func testProvisioningURI() throws {
        let secret = SecureBytes(Array("12345678901234567890".utf8))
        let uri = TOTP.provisioningURI(secret: secret, account: "li.wei@example.com", issuer: "Candor Gateway")
        XCTAssertEqual(uri, "otpauth://totp/Candor%20Gateway:li.wei%40example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Candor%20Gateway&algorithm=SHA1&digits=6&period=30")
        XCTAssertEqual(try TOTP.generateSecret().count, 20)
    }
}
