import XCTest
@testable import Presentation

final class ISOBMFFBoxTests: XCTestCase {
    func testSizesOutsideTheContainerAreRefused() {
        let b = BMFF.u(100, 4) + Array("free".utf8) + [0, 0]
        XCTAssertThrowsError(try ISOBox.read(b, at: 0, limit: b.count))
        XCTAssertThrowsError(try ISOBox.read(b, at: 5, limit: b.count), "a header past the end")
        let zero = BMFF.u(0, 4) + Array("mdat".utf8) + [1, 2, 3]
        XCTAssertEqual(try ISOBox.read(zero, at: 0, limit: zero.count).size, 11, "size 0: to the end of the container")
        let large = BMFF.u(1, 4) + Array("mdat".utf8) + BMFF.u(UInt64.max, 8)
        XCTAssertThrowsError(try ISOBox.read(large, at: 0, limit: large.count))
    }

    func testChildrenOfEmptyBoxesAreBounded() {
        let many = (0 ..< 20).flatMap { _ in BMFF.box("free", []) }
        XCTAssertThrowsError(try ISOBox.children(many, from: 0, to: many.count, maxCount: 10))
        XCTAssertEqual(try ISOBox.children(many, from: 0, to: many.count).count, 20)
    }
}
