import Foundation
import XCTest
@testable import Courier

final class MailMessageTests: XCTestCase {
    func make(subject: String = "控制台有待办事项 / Something is waiting for you in the console", body: String = "正文 body\n") throws -> MailMessage {
        MailMessage(from: try MailAddress("candor@example.org"), to: try MailAddress("head@example.org"),
                    subject: subject, body: body, date: 1_795_000_000, utcOffsetMinutes: 480)
    }

    func headers(_ m: MailMessage) throws -> [String] {
        let text = String(decoding: try m.rendered(), as: UTF8.self)
        let head = text.components(separatedBy: "\r\n\r\n")[0]
        return head.components(separatedBy: "\r\n").filter { !$0.hasPrefix(" ") }.map { String($0.prefix { $0 != ":" }) }
    }

    func testExactlyTheHeaderFieldsAndNothingElse() throws {
        XCTAssertEqual(try headers(try make()), ["From", "To", "Subject", "Date", "Message-ID", "MIME-Version",
                                                "Content-Type", "Content-Transfer-Encoding"])
        let text = String(decoding: try make().rendered(), as: UTF8.self)
        XCTAssertTrue(text.contains("Content-Type: text/plain; charset=utf-8\r\n"))
        XCTAssertTrue(text.contains("Content-Transfer-Encoding: base64\r\n"))
    }

    func testBodyIsBase64OfCRLFText() throws {
        let text = String(decoding: try make(body: "一\n二\n").rendered(), as: UTF8.self)
        let encoded = text.components(separatedBy: "\r\n\r\n")[1].replacingOccurrences(of: "\r\n", with: "")
        XCTAssertEqual(String(decoding: Data(base64Encoded: encoded)!, as: UTF8.self), "一\r\n二\r\n")
    }

    func testEveryLineIsShortAndSubjectDecodes() throws {
        let long = String(repeating: "控制台有待办事项", count: 5)
        let text = String(decoding: try make(subject: long, body: String(repeating: "x", count: 500)).rendered(), as: UTF8.self)
        for line in text.components(separatedBy: "\r\n") { XCTAssertLessThanOrEqual(line.utf8.count, 78, line) }
        let words = text.components(separatedBy: "\r\n").filter { $0.contains("=?UTF-8?B?") }
        let decoded = words.map { line -> String in
            let w = line.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "Subject: ", with: "")
            return String(decoding: Data(base64Encoded: String(w.dropFirst(10).dropLast(2)))!, as: UTF8.self)
        }.joined()
        XCTAssertEqual(decoded, long)
    }

    func testDateIsRFC5322AndFixedWidth() {
        XCTAssertEqual(MailMessage.rfc5322Date(0, offsetMinutes: 0), "Thu, 01 Jan 1970 00:00:00 +0000")
        XCTAssertEqual(MailMessage.rfc5322Date(1_795_000_000, offsetMinutes: 480), "Wed, 18 Nov 2026 19:06:40 +0800")
        XCTAssertEqual(MailMessage.rfc5322Date(951_782_400, offsetMinutes: -300), "Mon, 28 Feb 2000 19:00:00 -0500")
        let widths = Set(stride(from: 1_790_000_000, to: 1_800_000_000, by: 86_399).map { MailMessage.rfc5322Date(Int64($0), offsetMinutes: 480).count })
        XCTAssertEqual(widths.count, 1)
    }

    func testMessageIDIsFixedLengthAndUnique() {
        let a = MailMessage.newMessageID(domain: "example.org"), b = MailMessage.newMessageID(domain: "example.org")
        XCTAssertNotEqual(a, b)
        XCTAssertEqual(a.count, 32 + 1 + 11)
    }

    func testLineBreakInSubjectIsRefused() throws {
        XCTAssertThrowsError(try make(subject: "a\r\nBcc: x@example.org").rendered())
    }
}
