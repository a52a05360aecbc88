import XCTest
@testable import Courier

final class SMTPReplyTests: XCTestCase {
    func testParsesContinuationAndLastLines() {
        XCTAssertEqual(SMTPReply.parseLine("250-STARTTLS")?.last, false)
        XCTAssertEqual(SMTPReply.parseLine("250 ok")?.text, "ok")
        XCTAssertEqual(SMTPReply.parseLine("221")?.code, 221)
        XCTAssertNil(SMTPReply.parseLine("25 ok"))
        XCTAssertNil(SMTPReply.parseLine("abc ok"))
        XCTAssertNil(SMTPReply.parseLine("250xok"))
        XCTAssertNil(SMTPReply.parseLine("999 no"))
    }

    func testDescriptionJoinsLines() {
        XCTAssertEqual(SMTPReply(code: 550, lines: ["5.1.1 no", "such user"]).description, "550 5.1.1 no / such user")
    }
}
