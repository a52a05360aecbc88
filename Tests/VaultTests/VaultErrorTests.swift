import COpenSSL
import XCTest
@testable import Vault

final class VaultErrorTests: XCTestCase {
    func testMessagesReadWell() {
        XCTAssertEqual(VaultError.authenticationFailed(operation: "AES-256-GCM open").description,
                       "AES-256-GCM open failed: authentication tag mismatch (the data was altered or the key is wrong)")
        XCTAssertEqual(VaultError.wrongPassword(what: "Encrypted X25519 private key").description,
                       "Encrypted X25519 private key: wrong password (or the data was altered)")
        XCTAssertEqual(VaultError.malformedInput(what: "Sealed box open", field: "box length", reason: "too short").description,
                       "Sealed box open: malformed box length: too short")
        XCTAssertEqual(VaultError.unsupportedVersion(what: "AES-256-GCM open", found: 7, supported: 1).description,
                       "AES-256-GCM open: unsupported format version 7 (this build reads version 1)")
        XCTAssertEqual(VaultError.openSSL(operation: "HKDF-SHA256", detail: "").description, "HKDF-SHA256 failed in OpenSSL")
        XCTAssertTrue(VaultError.io(operation: "open", path: "/nope", errno: 2).description.contains("No such file"))
    }

    func testDrainEmptiesTheQueue() throws {
        // An X25519 public key of the wrong length is refused by OpenSSL, which queues an error.
        let bad = [UInt8](repeating: 9, count: 31)
        XCTAssertNil(EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, nil, bad, bad.count))
        let first = OpenSSLErrors.drain()
        XCTAssertFalse(first.isEmpty)
        XCTAssertEqual(OpenSSLErrors.drain(), "")
    }
}
