@testable import Casefile
import Casework
@testable import ConsoleSite
import Courier
import Foundation
@testable import Gateway
@testable import ReporterSite
@testable import SiteKit
import XCTest

final class NoticeMailTests: XCTestCase {
    func testBothBodiesHaveTheFixedLengthAndOnlyTheLink() {
        for kind in [NoticeMail.Kind.immediate, .digest] {
            let body = NoticeMail.body(kind, consoleURL: "https://candor.corp.example/console")
            XCTAssertEqual(body.utf8.count, NoticeMail.bodyLength)
            XCTAssertTrue(body.contains("https://candor.corp.example/console\r\n"))
            XCTAssertEqual(body.trimmingCharacters(in: .whitespacesAndNewlines).components(separatedBy: "\r\n").count, 4)
        }
        XCTAssertEqual(NoticeMail.body(.immediate, consoleURL: String(repeating: "x", count: 400)).utf8.count, NoticeMail.bodyLength,
                       "the longest URL the settings allow still fits")
    }

    func testTheMessageIsTheSameForEveryoneButRecipientDateAndID() throws {
        let settings = notifyingSettings()
        let a = try NoticeMail.message(.immediate, to: "a@corp.example", settings: settings, now: 1_795_000_000)
        var b = try NoticeMail.message(.immediate, to: "b@corp.example", settings: settings, now: 1_795_086_400)
        XCTAssertEqual(a.subject, "控制台有待办事项 / Something is waiting for you in the console")
        XCTAssertEqual(a.body, b.body)
        XCTAssertEqual(try a.rendered().count, try b.rendered().count)
        b.to = a.to
        b.date = a.date
        b.messageID = a.messageID
        XCTAssertEqual(try a.rendered(), try b.rendered())
    }
}
