import XCTest
@testable import Vault

final class ScryptTests: XCTestCase {
    func derive(_ password: String, _ salt: String, logN: UInt8, r: UInt32, p: UInt32) throws -> SecureBytes {
        try Scrypt.derive(password: password, salt: Array(salt.utf8),
                          parameters: try ScryptParameters(logN: logN, r: r, p: p), count: 64)
    }

    // RFC 7914 §12, all four vectors.
    func testRFC7914Vector1() throws {
        XCTAssertEqual(try derive("", "", logN: 4, r: 1, p: 1), secure("""
            77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442\
            fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906
            """))
    }

    func testRFC7914Vector2() throws {
        XCTAssertEqual(try derive("password", "NaCl", logN: 10, r: 8, p: 16), secure("""
            fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162\
            2eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640
            """))
    }

    func testRFC7914Vector3() throws {
        XCTAssertEqual(try derive("pleaseletmein", "SodiumChloride", logN: 14, r: 8, p: 1), secure("""
            7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2\
            d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887
            """))
    }

    func testRFC7914Vector4() throws {
        // N = 2^20, r = 8: 1 GiB of memory, allowed only because maxmem is passed explicitly.
        XCTAssertEqual(try derive("pleaseletmein", "SodiumChloride", logN: 20, r: 8, p: 1), secure("""
            2101cb9b6a511aaeaddbbe09cf70f881ec568d574a2ffd4dabe5ee9820adaa47\
            8e56fd8f4ba5d09ffa1c6d927c40f4c337304049e8a952fbcbf45c6fa77a41a4
            """))
    }

    func testParametersEncodeAndParse() throws {
        let parameters = try ScryptParameters(logN: 17, r: 8, p: 1)
        XCTAssertEqual(parameters.encoded, "ln=17,r=8,p=1")
        XCTAssertEqual(try ScryptParameters(encoded: "ln=17,r=8,p=1"), parameters)
        XCTAssertEqual(parameters.n, 131_072)
        XCTAssertEqual(ScryptParameters.recommended, parameters)
        for bad in ["", "ln=17,r=8", "ln=17,r=8,p=1,x=2", "r=8,ln=17,p=1", "ln=017,r=8,p=1", "ln=+17,r=8,p=1",
                    "ln=17,r=0,p=1", "ln=17,r=8,p=0", "ln=0,r=8,p=1", "ln=99,r=8,p=1", "ln=17, r=8,p=1",
                    "ln=25,r=8,p=1", "ln=17,r=99999999999,p=1"] {
            XCTAssertThrowsError(try ScryptParameters(encoded: bad), bad)
        }
    }

    func testMemoryLimitRefusesRunawayParameters() {
        XCTAssertThrowsError(try ScryptParameters(logN: 21, r: 8, p: 1)) { XCTAssertTrue("\($0)".contains("MiB"), "\($0)") }
        XCTAssertNoThrow(try ScryptParameters(logN: 20, r: 8, p: 1))
    }

    func testNeedsRehash() throws {
        let target = try ScryptParameters(logN: 17, r: 8, p: 1)
        XCTAssertTrue(try ScryptParameters(logN: 15, r: 8, p: 1).needsRehash(target: target))
        XCTAssertTrue(try ScryptParameters(logN: 17, r: 4, p: 1).needsRehash(target: target))
        XCTAssertFalse(target.needsRehash(target: target))
        XCTAssertFalse(try ScryptParameters(logN: 18, r: 8, p: 1).needsRehash(target: target))
    }

    func testStringAndBytesPasswordsAgree() throws {
        let parameters = try ScryptParameters(logN: 8, r: 8, p: 1)
        XCTAssertEqual(try Scrypt.derive(password: "pässword", salt: [1, 2], parameters: parameters, count: 32),
                       try Scrypt.derive(password: SecureBytes(Array("pässword".utf8)), salt: [1, 2], parameters: parameters, count: 32))
    }

    func testTallyCountsDerivationsOnlyWhileBound() throws {
        let cheap = try ScryptParameters(logN: 4, r: 1, p: 1), dearer = try ScryptParameters(logN: 6, r: 2, p: 1)
        let tally = ScryptTally(), inner = ScryptTally()
        _ = try Scrypt.derive(password: "before", salt: [1], parameters: cheap, count: 16)
        try ScryptTally.$current.withValue(tally) {
            _ = try Scrypt.derive(password: "one", salt: [1], parameters: cheap, count: 32)
            try ScryptTally.$current.withValue(inner) {
                _ = try Scrypt.derive(password: "inner", salt: [1], parameters: cheap, count: 8)
            }
            _ = try PasswordHash.make(password: "two", parameters: dearer)
        }
        _ = try Scrypt.derive(password: "after", salt: [1], parameters: cheap, count: 16)
        XCTAssertEqual(tally.derivations, [ScryptTally.Derivation(parameters: cheap, outputCount: 32),
                                           ScryptTally.Derivation(parameters: dearer, outputCount: PasswordHash.hashCount)])
        XCTAssertEqual(inner.derivations, [ScryptTally.Derivation(parameters: cheap, outputCount: 8)])
    }
}
