import XCTest
@testable import Vault

final class WipedBufferTests: XCTestCase {
    func testAppendsUpToCapacityAndWipesOnRemove() {
        let buffer = WipedBuffer(capacity: 4)
        let taken = ([1, 2, 3, 4, 5, 6] as [UInt8]).withUnsafeBytes { buffer.append($0) }
        XCTAssertEqual(taken, 4)
        XCTAssertTrue(buffer.isFull)
        XCTAssertEqual(Array(buffer.bytes), [1, 2, 3, 4])
        buffer.removeAll()
        XCTAssertEqual(buffer.count, 0)
        XCTAssertEqual(Array(UnsafeRawBufferPointer(buffer.wholeCapacity)), [0, 0, 0, 0])
    }
}
