import XCTest
@testable import Vault

final class CipherContextTests: XCTestCase {
    func testFailedOpenWipesTheOutputBuffer() throws {
        let key = [UInt8](repeating: 7, count: 32), nonce = [UInt8](repeating: 1, count: 12)
        let plaintext = [UInt8](repeating: 0xaa, count: 40)
        var ciphertext = [UInt8](repeating: 0, count: 40), tag = [UInt8](repeating: 0, count: 16)
        try key.withUnsafeBytes { k in try nonce.withUnsafeBytes { n in try plaintext.withUnsafeBytes { p in
            try ciphertext.withUnsafeMutableBytes { c in try tag.withUnsafeMutableBytes { t in
                try CipherContext().gcmSeal(key: k, nonce: n, associatedData: UnsafeRawBufferPointer(start: nil, count: 0),
                                            plaintext: p, ciphertext: c, tag: t, operation: "test seal")
            } }
        } } }
        tag[0] ^= 1
        var output = [UInt8](repeating: 0x55, count: 40)
        XCTAssertThrowsError(try key.withUnsafeBytes { k in try nonce.withUnsafeBytes { n in
            try ciphertext.withUnsafeBytes { c in try tag.withUnsafeBytes { t in try output.withUnsafeMutableBytes { o in
                try CipherContext().gcmOpen(key: k, nonce: n, associatedData: UnsafeRawBufferPointer(start: nil, count: 0),
                                            ciphertext: c, tag: t, plaintext: o, operation: "test open")
            } } }
        } }) { error in
            XCTAssertEqual(error as? VaultError, .authenticationFailed(operation: "test open"))
        }
        // The decrypted (unauthenticated) bytes were written and then wiped, not left behind.
        XCTAssertEqual(output, [UInt8](repeating: 0, count: 40))
    }

    func testRefusesWrongKeyAndNonceSizes() {
        let short = [UInt8](repeating: 0, count: 16), nonce = [UInt8](repeating: 0, count: 12)
        var out = [UInt8](repeating: 0, count: 16)
        XCTAssertThrowsError(try short.withUnsafeBytes { k in try nonce.withUnsafeBytes { n in try out.withUnsafeMutableBytes { t in
            try CipherContext().gcmSeal(key: k, nonce: n, associatedData: UnsafeRawBufferPointer(start: nil, count: 0),
                                        plaintext: UnsafeRawBufferPointer(start: nil, count: 0),
                                        ciphertext: UnsafeMutableRawBufferPointer(start: nil, count: 0), tag: t, operation: "t")
        } } })
    }
}
