import XCTest
@testable import Vault

final class ConstantTimeTests: XCTestCase {
    func testEquals() {
        XCTAssertTrue(ConstantTime.equals([1, 2, 3] as [UInt8], [1, 2, 3] as [UInt8]))
        XCTAssertFalse(ConstantTime.equals([1, 2, 3] as [UInt8], [1, 2, 4] as [UInt8]))
        XCTAssertFalse(ConstantTime.equals([1, 2, 3] as [UInt8], [1, 2] as [UInt8]))
        XCTAssertTrue(ConstantTime.equals([] as [UInt8], [] as [UInt8]))
        XCTAssertFalse(ConstantTime.equals([] as [UInt8], [0] as [UInt8]))
    }

    func testMixedCollections() {
        let array: [UInt8] = [9, 8, 7, 6]
        XCTAssertTrue(ConstantTime.equals(array[1...], [8, 7, 6] as [UInt8]))
        XCTAssertTrue(ConstantTime.equals("abc".utf8, [97, 98, 99] as [UInt8]))
        XCTAssertFalse(ConstantTime.equals("abd".utf8, [97, 98, 99] as [UInt8]))
    }

    func testAllZero() {
        XCTAssertTrue([0, 0, 0].withUnsafeBytes { ConstantTime.isAllZero($0) })
        XCTAssertFalse([0, 0, 1].withUnsafeBytes { ConstantTime.isAllZero($0) })
    }
}
