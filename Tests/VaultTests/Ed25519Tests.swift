import XCTest
@testable import Vault

final class Ed25519Tests: XCTestCase {
    struct Vector { let secret, publicKey, message, signature: String }

    // RFC 8032 §7.1, TEST 1 (empty message), TEST 2 (one byte), TEST 3 (two bytes).
    static let vectors = [
        Vector(secret: "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
               publicKey: "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
               message: "",
               signature: "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
                   + "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"),
        Vector(secret: "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
               publicKey: "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
               message: "72",
               signature: "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
                   + "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"),
        Vector(secret: "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
               publicKey: "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
               message: "af82",
               signature: "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
                   + "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"),
    ]

    func testRFC8032Section7_1Vectors1To3() throws {
        for v in Self.vectors {
            let key = try Ed25519PrivateKey(rawRepresentation: secure(v.secret))
            XCTAssertEqual(hex(key.publicKey.rawRepresentation), v.publicKey)
            XCTAssertEqual(hex(try key.signature(for: hex(v.message))), v.signature)
            let pub = try Ed25519PublicKey(rawRepresentation: hex(v.publicKey))
            XCTAssertTrue(pub.isValidSignature(hex(v.signature), for: hex(v.message)))
        }
    }

    // A signature binds message, key and its own bytes: any one bit changed is refused.
    func testAnyChangedBitIsRefused() throws {
        let v = Self.vectors[2]
        let pub = try Ed25519PublicKey(rawRepresentation: hex(v.publicKey))
        for (_, altered) in singleBitFlips(hex(v.signature)) {
            XCTAssertFalse(pub.isValidSignature(altered, for: hex(v.message)))
        }
        for (_, altered) in singleBitFlips(hex(v.message)) {
            XCTAssertFalse(pub.isValidSignature(hex(v.signature), for: altered))
        }
        let other = try Ed25519PublicKey(rawRepresentation: hex(Self.vectors[1].publicKey))
        XCTAssertFalse(other.isValidSignature(hex(v.signature), for: hex(v.message)))
        XCTAssertFalse(pub.isValidSignature(Array(hex(v.signature).dropLast()), for: hex(v.message)))
    }

    func testGeneratedKeysSignAndRoundTrip() throws {
        let key = try Ed25519PrivateKey()
        let message = Array("candor".utf8)
        XCTAssertTrue(key.publicKey.isValidSignature(try key.signature(for: message), for: message))
        let again = try Ed25519PrivateKey(rawRepresentation: try key.rawRepresentation)
        XCTAssertEqual(again.publicKey, key.publicKey)
        XCTAssertNotEqual(try Ed25519PrivateKey().publicKey, key.publicKey)
        XCTAssertFalse(key.description.contains(hex(try key.rawRepresentation.unsafeCopyToArray())))
        XCTAssertThrowsError(try Ed25519PublicKey(rawRepresentation: [1, 2, 3]))
        XCTAssertThrowsError(try Ed25519PrivateKey(rawRepresentation: SecureBytes([1, 2, 3])))
    }
}
