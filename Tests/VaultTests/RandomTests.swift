import XCTest
@testable import Vault

final class RandomTests: XCTestCase {
    func testBytesHaveTheAskedCount() throws {
        XCTAssertEqual(try Random.bytes(0), [])
        XCTAssertEqual(try Random.bytes(1000).count, 1000)
        XCTAssertEqual(try Random.secureBytes(48).count, 48)
    }

    func testOutputsDiffer() throws {
        XCTAssertNotEqual(try Random.bytes(32), try Random.bytes(32))
        let many = try Random.bytes(4096)
        // 4 KiB of CSPRNG output uses (nearly) every byte value.
        XCTAssertGreaterThan(Set(many).count, 240)
    }
}
