import XCTest
@testable import Vault

final class EncryptedPrivateKeyTests: XCTestCase {
    let fast = try! ScryptParameters(logN: 8, r: 8, p: 1)

    func testRoundTripAndLayout() throws {
        let key = try X25519PrivateKey()
        let exported = try key.exportEncrypted(password: "s3cret staff password", params: fast)
        let params = Array("ln=8,r=8,p=1".utf8)
        XCTAssertEqual(exported[0], 1)
        XCTAssertEqual(Int(exported[1]), params.count)
        XCTAssertEqual(Array(exported[2..<(2 + params.count)]), params)
        XCTAssertEqual(exported.count, 2 + params.count + 16 + 12 + 32 + 16)
        let imported = try X25519PrivateKey.importEncrypted(exported, password: "s3cret staff password")
        XCTAssertEqual(imported.publicKey, key.publicKey)
        XCTAssertEqual(try imported.rawRepresentation, try key.rawRepresentation)
        XCTAssertEqual(try X25519PrivateKey.encryptedParameters(exported), fast)
        XCTAssertTrue(try X25519PrivateKey.encryptedParameters(exported).needsRehash(target: .recommended))
    }

    func testWrongPassword() throws {
        let exported = try X25519PrivateKey().exportEncrypted(password: "right", params: fast)
        XCTAssertThrowsError(try X25519PrivateKey.importEncrypted(exported, password: "wrong")) { error in
            XCTAssertEqual(error as? VaultError, .wrongPassword(what: "Encrypted X25519 private key"))
            XCTAssertEqual("\(error)", "Encrypted X25519 private key: wrong password (or the data was altered)")
        }
    }

    func testEveryBitFlipFails() throws {
        let exported = try X25519PrivateKey().exportEncrypted(password: "pw", params: fast)
        for (position, altered) in singleBitFlips(exported) {
            XCTAssertThrowsError(try X25519PrivateKey.importEncrypted(altered, password: "pw"), "byte \(position)")
        }
    }

    func testMalformedFiles() throws {
        let exported = try X25519PrivateKey().exportEncrypted(password: "pw", params: fast)
        for length in 0..<exported.count {
            XCTAssertThrowsError(try X25519PrivateKey.importEncrypted(Array(exported[..<length]), password: "pw"))
        }
        var versioned = exported
        versioned[0] = 2
        XCTAssertThrowsError(try X25519PrivateKey.importEncrypted(versioned, password: "pw")) {
            guard case VaultError.unsupportedVersion = $0 else { return XCTFail("\($0)") }
        }
    }
}
