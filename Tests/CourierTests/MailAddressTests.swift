import XCTest
@testable import Courier

final class MailAddressTests: XCTestCase {
    func testAcceptsPlainAddresses() throws {
        XCTAssertEqual(try MailAddress(" head@example.org ").value, "head@example.org")
        XCTAssertEqual(try MailAddress("wang.jianguo@corp.example.cn").domain, "corp.example.cn")
    }

    func testRefusesWhatCouldBreakOutOfAHeaderOrCommand() {
        for bad in ["", "head", "@example.org", "head@", "a@b@example.org", "head@example.org\r\nRCPT TO:<x@y.z>",
                    "head@example.org>", "<head@example.org", "he ad@example.org", "head@example.org\n", "head@nodot"] {
            XCTAssertThrowsError(try MailAddress(bad), bad)
        }
    }
}
