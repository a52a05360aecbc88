import XCTest
@testable import Vault

final class AESGCMTests: XCTestCase {
    // McGrew & Viega, "The Galois/Counter Mode of Operation (GCM)", test case 16 (AES-256, with AAD).
    let key16 = secure("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308")
    let nonce16 = hex("cafebabefacedbaddecaf888")
    let plaintext16 = hex("""
        d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72\
        1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39
        """)
    let aad16 = hex("feedfacedeadbeeffeedfacedeadbeefabaddad2")
    let ciphertext16 = hex("""
        522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa\
        8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662
        """)
    let tag16 = hex("76fc6ece0f4e1768cddf8853bb2d551b")

    func testGCMSpecTestCase16() throws {
        let sealed = try AESGCM.sealRaw(plaintext16, key: key16, nonce: nonce16, associatedData: aad16)
        XCTAssertEqual(hex(sealed), hex(ciphertext16 + tag16))
        XCTAssertEqual(try AESGCM.openRaw(ciphertext16 + tag16, key: key16, nonce: nonce16, associatedData: aad16), plaintext16)
        var bad = ciphertext16 + tag16
        bad[bad.count - 1] ^= 0x80
        XCTAssertThrowsError(try AESGCM.openRaw(bad, key: key16, nonce: nonce16, associatedData: aad16))
    }

    func testRoundTripAndLayout() throws {
        let key = try SecureBytes.random(count: 32)
        for size in [0, 1, 15, 16, 17, 1000] {
            let message = try Random.bytes(size)
            let sealed = try AESGCM.seal(message, key: key, associatedData: Array("case-7/report".utf8))
            XCTAssertEqual(sealed.count, size + 29)
            XCTAssertEqual(sealed[0], 1)
            XCTAssertEqual(try AESGCM.open(sealed, key: key, associatedData: Array("case-7/report".utf8)), message)
            XCTAssertEqual(try AESGCM.openSecret(sealed, key: key, associatedData: Array("case-7/report".utf8)), SecureBytes(message))
        }
    }

    func testFormatMatchesTheVectorWithAFixedNonce() throws {
        // The versioned format is the bare GCM output with the version byte also bound as AD.
        let sealed = try AESGCM.sealWithNonce(plaintext16, key: key16, nonce: nonce16, associatedData: aad16)
        XCTAssertEqual(Array(sealed[0..<13]), [1] + nonce16)
        let bare = try AESGCM.sealRaw(plaintext16, key: key16, nonce: nonce16, associatedData: [1] + aad16)
        XCTAssertEqual(Array(sealed[13...]), bare)
    }

    func testNoncesAreFresh() throws {
        let key = try SecureBytes.random(count: 32)
        let a = try AESGCM.seal([1, 2, 3], key: key), b = try AESGCM.seal([1, 2, 3], key: key)
        XCTAssertNotEqual(Array(a[1..<13]), Array(b[1..<13]))
    }

    func testEveryBitFlipFails() throws {
        let key = try SecureBytes.random(count: 32)
        let sealed = try AESGCM.seal(Array("meet at the north gate".utf8), key: key, associatedData: [9])
        for (position, altered) in singleBitFlips(sealed) {
            XCTAssertThrowsError(try AESGCM.open(altered, key: key, associatedData: [9]), "byte \(position)")
        }
    }

    func testWrongKeyWrongADAndTruncationFail() throws {
        let key = try SecureBytes.random(count: 32)
        let sealed = try AESGCM.seal(Array("hello".utf8), key: key, associatedData: [1, 2])
        XCTAssertThrowsError(try AESGCM.open(sealed, key: try SecureBytes.random(count: 32), associatedData: [1, 2])) {
            XCTAssertEqual($0 as? VaultError, .authenticationFailed(operation: "AES-256-GCM open"))
            XCTAssertEqual("\($0)", "AES-256-GCM open failed: authentication tag mismatch (the data was altered or the key is wrong)")
        }
        XCTAssertThrowsError(try AESGCM.open(sealed, key: key, associatedData: [1, 3]))
        XCTAssertThrowsError(try AESGCM.open(sealed, key: key, associatedData: []))
        for length in 0..<sealed.count {
            XCTAssertThrowsError(try AESGCM.open(Array(sealed[..<length]), key: key, associatedData: [1, 2]))
        }
        XCTAssertThrowsError(try AESGCM.open(sealed + [0], key: key, associatedData: [1, 2]))
    }

    func testRejectsBadKeySizeAndVersion() throws {
        XCTAssertThrowsError(try AESGCM.seal([1], key: SecureBytes([UInt8](repeating: 0, count: 16)))) {
            guard case VaultError.invalidKey = $0 else { return XCTFail("\($0)") }
        }
        let key = try SecureBytes.random(count: 32)
        var sealed = try AESGCM.seal([1], key: key)
        sealed[0] = 2
        XCTAssertThrowsError(try AESGCM.open(sealed, key: key)) {
            XCTAssertEqual($0 as? VaultError, .unsupportedVersion(what: "AES-256-GCM open", found: 2, supported: 1))
        }
        XCTAssertThrowsError(try AESGCM.open([1, 2, 3], key: key)) {
            guard case VaultError.malformedInput(_, let field, _) = $0 else { return XCTFail("\($0)") }
            XCTAssertEqual(field, "message length")
        }
    }
}
