import XCTest
@testable import Vault

final class SecureBytesTests: XCTestCase {
    func testCopiesAndCounts() {
        let bytes: [UInt8] = [1, 2, 3, 4]
        let secret = SecureBytes(bytes)
        XCTAssertEqual(secret.count, 4)
        XCTAssertEqual(secret.withUnsafeBytes { Array($0) }, bytes)
        XCTAssertEqual(SecureBytes([]).count, 0)
    }

    func testEqualityIsByContent() throws {
        XCTAssertEqual(SecureBytes([1, 2, 3]), SecureBytes([1, 2, 3]))
        XCTAssertNotEqual(SecureBytes([1, 2, 3]), SecureBytes([1, 2, 4]))
        XCTAssertNotEqual(SecureBytes([1, 2, 3]), SecureBytes([1, 2]))
        XCTAssertEqual(SecureBytes([]), SecureBytes([]))
    }

    func testRandomIsOfRightSizeAndDiffers() throws {
        let a = try SecureBytes.random(count: 32), b = try SecureBytes.random(count: 32)
        XCTAssertEqual(a.count, 32)
        XCTAssertNotEqual(a, b)
    }

    func testNeverPrintsContent() {
        let secret = SecureBytes([0xde, 0xad, 0xbe, 0xef])
        for text in [secret.description, String(describing: secret), String(reflecting: secret), "\(secret)"] {
            XCTAssertFalse(text.lowercased().contains("dead"), text)
            XCTAssertFalse(text.contains("222"), text) // 0xde as decimal
        }
        var dumped = ""
        dump(secret, to: &dumped)
        XCTAssertFalse(dumped.contains("222") || dumped.lowercased().contains("dead"), dumped)
        XCTAssertEqual(secret.description, "SecureBytes(4 bytes, redacted)")
    }

    func testWipeZeroesTheBufferItIsGiven() {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64, alignment: 1)
        defer { buffer.deallocate() }
        for i in 0..<64 { buffer[i] = UInt8(i + 1) }
        secureWipe(buffer)
        XCTAssertTrue(buffer.allSatisfy { $0 == 0 })
        secureWipe(UnsafeMutableRawBufferPointer(start: nil, count: 0)) // no crash on empty
    }

    func testInitializerThatThrowsDoesNotLeakAValue() {
        struct Boom: Error {}
        XCTAssertThrowsError(try SecureBytes(count: 8) { _ in throw Boom() })
    }

    func testWipeZeroesTheArrayInPlace() {
        var bytes: [UInt8] = [1, 2, 3, 4, 5]
        SecureBytes.wipe(&bytes)
        XCTAssertEqual(bytes, [0, 0, 0, 0, 0])
        var empty: [UInt8] = []
        SecureBytes.wipe(&empty)
        XCTAssertEqual(empty, [])
    }

    func testSliceCopiesTheRangeIntoItsOwnSecret() {
        let whole = SecureBytes(Array(0..<64))
        XCTAssertEqual(whole.slice(32..<64).unsafeCopyToArray(), Array(32..<64))
        XCTAssertEqual(whole.slice(0..<0).count, 0)
        XCTAssertEqual(whole.unsafeCopyToArray(), Array(0..<64), "the source is untouched")
    }
}
