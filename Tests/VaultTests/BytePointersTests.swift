import XCTest
@testable import Vault

final class BytePointersTests: XCTestCase {
    func testEmptyInputsStillLendAPointer() {
        withNonNullBytes([UInt8]()) { pointer, count in
            XCTAssertEqual(count, 0)
            _ = pointer.pointee
        }
        withNonNullBytes(UnsafeRawBufferPointer(start: nil, count: 0)) { _, count in XCTAssertEqual(count, 0) }
        SecureBytes([]).withNonNullPointer { _, count in XCTAssertEqual(count, 0) }
    }

    func testNonEmptyInputsAreLentAsIs() {
        withNonNullBytes([5, 6]) { pointer, count in
            XCTAssertEqual(count, 2)
            XCTAssertEqual(pointer[1], 6)
        }
    }
}
