import XCTest
@testable import Vault

final class Base32Tests: XCTestCase {
    // RFC 4648 §10.
    let vectors = [("", ""), ("f", "MY======"), ("fo", "MZXQ===="), ("foo", "MZXW6==="),
                   ("foob", "MZXW6YQ="), ("fooba", "MZXW6YTB"), ("foobar", "MZXW6YTBOI======")]

    func testRFC4648Vectors() throws {
        for (plain, encoded) in vectors {
            XCTAssertEqual(Base32.encode(Array(plain.utf8)), encoded)
            XCTAssertEqual(try Base32.decode(encoded), Array(plain.utf8))
            let unpadded = encoded.replacingOccurrences(of: "=", with: "")
            XCTAssertEqual(Base32.encode(Array(plain.utf8), padding: false), unpadded)
            XCTAssertEqual(try Base32.decode(unpadded.lowercased()), Array(plain.utf8))
        }
    }

    func testRoundTripRandom() throws {
        for size in 0..<41 {
            let bytes = try Random.bytes(size)
            XCTAssertEqual(try Base32.decode(Base32.encode(bytes)), bytes)
        }
    }

    func testRejectsInvalidInput() {
        for bad in ["MY1=====", "M", "MZX", "MZXW6Y", "MZ=XW6==", "MZXW 6===", "MZ", "MR======"] {
            XCTAssertThrowsError(try Base32.decode(bad), bad)
        }
    }
}
