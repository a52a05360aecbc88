import XCTest
@testable import Vault

final class PasswordHashTests: XCTestCase {
    let fast = try! ScryptParameters(logN: 10, r: 8, p: 1)

    func testMakeAndVerify() throws {
        let stored = try PasswordHash.make(password: "correct horse battery staple", parameters: fast)
        XCTAssertTrue(stored.hasPrefix("$scrypt$ln=10,r=8,p=1$"), stored)
        XCTAssertEqual(stored.split(separator: "$").count, 4)
        XCTAssertTrue(PasswordHash.verify("correct horse battery staple", against: stored))
        XCTAssertFalse(PasswordHash.verify("correct horse battery stapl", against: stored))
        XCTAssertFalse(PasswordHash.verify("", against: stored))
    }

    func testSaltsDiffer() throws {
        XCTAssertNotEqual(try PasswordHash.make(password: "x", parameters: fast), try PasswordHash.make(password: "x", parameters: fast))
    }

    func testMalformedStoredValuesNeverMatch() throws {
        let stored = try PasswordHash.make(password: "pw", parameters: fast)
        let parts = stored.split(separator: "$", omittingEmptySubsequences: false)
        let variants = [
            "", "pw", "$scrypt$", "$bcrypt$" + parts.dropFirst(2).joined(separator: "$"),
            stored + "$", stored.replacingOccurrences(of: "ln=10", with: "ln=99"),
            "$scrypt$ln=10,r=8,p=1$" + parts[3] + "$!!!!",
            "$scrypt$ln=10,r=8,p=1$$" + parts[4],
        ]
        for variant in variants {
            XCTAssertFalse(PasswordHash.verify("pw", against: variant), variant)
        }
        var altered = Array(stored.utf8)
        altered[altered.count - 5] = altered[altered.count - 5] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        XCTAssertFalse(PasswordHash.verify("pw", against: String(decoding: altered, as: UTF8.self)))
    }

    func testNeedsRehash() throws {
        let stored = try PasswordHash.make(password: "pw", parameters: fast)
        XCTAssertTrue(PasswordHash.needsRehash(stored, target: .recommended))
        XCTAssertFalse(PasswordHash.needsRehash(stored, target: fast))
        XCTAssertTrue(PasswordHash.needsRehash("garbage", target: fast))
    }
}
