import Dispatch
import Synchronization
import XCTest
@testable import Vault

final class X25519Tests: XCTestCase {
    func scalarMult(_ scalar: String, _ u: String) throws -> SecureBytes {
        try X25519PrivateKey(rawRepresentation: secure(scalar)).sharedSecret(with: X25519PublicKey(rawRepresentation: hex(u)))
    }

    // RFC 7748 §5.2, both single-step vectors (the second u has its top bit set, which is ignored).
    func testRFC7748Section5_2() throws {
        XCTAssertEqual(try scalarMult("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
                                      "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c"),
                       secure("c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552"))
        XCTAssertEqual(try scalarMult("4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
                                      "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493"),
                       secure("95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957"))
    }

    // RFC 7748 §6.1 Diffie-Hellman.
    func testRFC7748Section6_1() throws {
        let alice = try X25519PrivateKey(rawRepresentation: secure("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"))
        let bob = try X25519PrivateKey(rawRepresentation: secure("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"))
        XCTAssertEqual(hex(alice.publicKey.rawRepresentation), "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a")
        XCTAssertEqual(hex(bob.publicKey.rawRepresentation), "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f")
        let shared = secure("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742")
        XCTAssertEqual(try alice.sharedSecret(with: bob.publicKey), shared)
        XCTAssertEqual(try bob.sharedSecret(with: alice.publicKey), shared)
    }

    func testGeneratedKeysAgreeAndRoundTrip() throws {
        let a = try X25519PrivateKey(), b = try X25519PrivateKey()
        XCTAssertEqual(try a.sharedSecret(with: b.publicKey), try b.sharedSecret(with: a.publicKey))
        XCTAssertNotEqual(a.publicKey, b.publicKey)
        let again = try X25519PrivateKey(rawRepresentation: try a.rawRepresentation)
        XCTAssertEqual(again.publicKey, a.publicKey)
        XCTAssertEqual(try X25519PublicKey(rawRepresentation: a.publicKey.rawRepresentation), a.publicKey)
        XCTAssertEqual(try a.rawRepresentation.count, 32)
    }

    func testSmallOrderPointsAreRefused() throws {
        let key = try X25519PrivateKey()
        // u = 0 and u = 1 are of small order; so is p (≡ 0) and this order-8 point from RFC 7748 errata lists.
        for u in ["0000000000000000000000000000000000000000000000000000000000000000",
                  "0100000000000000000000000000000000000000000000000000000000000000",
                  "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
                  "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800"] {
            XCTAssertThrowsError(try key.sharedSecret(with: X25519PublicKey(rawRepresentation: hex(u))), u) { error in
                guard case VaultError.invalidKey(_, let reason) = error else { return XCTFail("\(error)") }
                XCTAssertTrue(reason.contains("small-order"), reason)
            }
        }
    }

    func testWrongSizesAreRefused() {
        XCTAssertThrowsError(try X25519PublicKey(rawRepresentation: [UInt8](repeating: 9, count: 31)))
        XCTAssertThrowsError(try X25519PrivateKey(rawRepresentation: SecureBytes([UInt8](repeating: 9, count: 33))))
    }

    func testDescriptionHidesThePrivateKey() throws {
        let key = try X25519PrivateKey(rawRepresentation: secure("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"))
        XCTAssertFalse("\(key)".contains("77076d0a"))
        XCTAssertTrue("\(key)".contains("8520f009"))
    }
}

final class X25519ConcurrencyTests: XCTestCase {
    func testOneKeyUsedFromManyThreads() throws {
        let key = try X25519PrivateKey(), peer = try X25519PrivateKey()
        let expected = try key.sharedSecret(with: peer.publicKey)
        let failures = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: 64) { _ in
            if (try? key.sharedSecret(with: peer.publicKey)) != expected { failures.withLock { $0 += 1 } }
        }
        XCTAssertEqual(failures.withLock { $0 }, 0)
    }
}
