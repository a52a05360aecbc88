import XCTest
@testable import Vault

final class SealedBoxTests: XCTestCase {
    func testRoundTripAndLayout() throws {
        let recipient = try X25519PrivateKey()
        for size in [0, 1, 32, 1000] {
            let message = try Random.bytes(size)
            let box = try SealedBox.seal(message, to: recipient.publicKey, context: Array("case-42/grant".utf8))
            XCTAssertEqual(box.count, size + 1 + 32 + 12 + 16)
            XCTAssertEqual(box[0], 1)
            XCTAssertEqual(try SealedBox.open(box, with: recipient, context: Array("case-42/grant".utf8)), message)
        }
    }

    func testDerivationMatchesTheDesign() throws {
        // Rebuild the key by hand from the published recipe and open the inner GCM message with it.
        let recipient = try X25519PrivateKey()
        let box = try SealedBox.seal(Array("recipe".utf8), to: recipient.publicKey, context: [7])
        let ephemeral = try X25519PublicKey(rawRepresentation: Array(box[1..<33]))
        let key = try HKDF.sha256(ikm: try recipient.sharedSecret(with: ephemeral),
                                  salt: ephemeral.rawRepresentation + recipient.publicKey.rawRepresentation,
                                  info: Array("candor/sealed-box/v1".utf8) + [7], outputCount: 32)
        let plain = try AESGCM.openRaw(Array(box[45...]), key: key, nonce: Array(box[33..<45]),
                                       associatedData: [1] + ephemeral.rawRepresentation)
        XCTAssertEqual(plain, Array("recipe".utf8))
    }

    func testSecretRoundTrip() throws {
        let recipient = try X25519PrivateKey()
        let caseKey = try SecureBytes.random(count: 32)
        let box = try SealedBox.seal(caseKey, to: recipient.publicKey)
        XCTAssertEqual(try SealedBox.openSecret(box, with: recipient), caseKey)
    }

    func testWrongRecipientOrContextFails() throws {
        let recipient = try X25519PrivateKey(), other = try X25519PrivateKey()
        let box = try SealedBox.seal([1, 2, 3], to: recipient.publicKey, context: [1])
        XCTAssertThrowsError(try SealedBox.open(box, with: other, context: [1])) {
            XCTAssertEqual($0 as? VaultError, .authenticationFailed(operation: "Sealed box open"))
        }
        XCTAssertThrowsError(try SealedBox.open(box, with: recipient, context: [2]))
        XCTAssertThrowsError(try SealedBox.open(box, with: recipient))
    }

    func testEveryBitFlipFails() throws {
        let recipient = try X25519PrivateKey()
        let box = try SealedBox.seal(Array("the accused is the director".utf8), to: recipient.publicKey)
        for (position, altered) in singleBitFlips(box) {
            XCTAssertThrowsError(try SealedBox.open(altered, with: recipient), "byte \(position)")
        }
    }

    func testMalformedBoxes() throws {
        let recipient = try X25519PrivateKey()
        var box = try SealedBox.seal([1], to: recipient.publicKey)
        for length in 0..<box.count {
            XCTAssertThrowsError(try SealedBox.open(Array(box[..<length]), with: recipient))
        }
        XCTAssertThrowsError(try SealedBox.open(box + [0], with: recipient))
        box[0] = 9
        XCTAssertThrowsError(try SealedBox.open(box, with: recipient)) {
            XCTAssertEqual($0 as? VaultError, .unsupportedVersion(what: "Sealed box open", found: 9, supported: 1))
        }
        // An ephemeral key that is a small-order point is reported as such, not as a crash.
        var smallOrder = try SealedBox.seal([1], to: recipient.publicKey)
        smallOrder.replaceSubrange(1..<33, with: [UInt8](repeating: 0, count: 32))
        XCTAssertThrowsError(try SealedBox.open(smallOrder, with: recipient)) {
            guard case VaultError.malformedInput(_, let field, _) = $0 else { return XCTFail("\($0)") }
            XCTAssertEqual(field, "ephemeral public key")
        }
    }
}
