@testable import Casefile
import Foundation
@testable import Gateway
import HTTPCore
import TestSupport
import XCTest

/// What the reporter is told about files that keep their metadata: the formats by name, and
/// that phone videos and photos record where they were made.
final class EvidenceSinkTests: AppTestCase {
    private func submit(lang: String, files: [(String, String, [UInt8])]) throws -> String {
        var form = MultipartBody()
        form.field("category", "bribery")
        form.field("narrative", "某科长收受红包")
        form.field("mode", "anonymous")
        for (name, type, bytes) in files { form.file("files", filename: name, type: type, bytes) }
        var h: HTTPHeaders = ["Content-Type": form.contentType]
        h.add("Host", "127.0.0.1:8080")
        let posted = try app.handler.handle(try Request(method: .post, target: "/report?lang=\(lang)", headers: h, body: form.finished()))
        let r = try followReceipt(posted) { try app.handler.handle($0) }
        XCTAssertEqual(r.status.code, 200)
        return html(r)
    }

    /// ISO base media with a `moov` box sized past the end: the cleaning fails, the file is kept.
    private let brokenMOV: [UInt8] = [0, 0, 0, 16] + Array("ftypqt  \0\0\0\0".utf8) + [0, 0, 0, 99] + Array("moov".utf8)

    func testReceiptNamesTheFormatsKeptAsSentAndSpeaksOfLocation() throws {
        let files = [("a.pdf", "application/pdf", Array("%PDF-1.7 author".utf8)), ("IMG_0001.MOV", "video/quicktime", brokenMOV),
                     ("b.pdf", "application/pdf", Array("%PDF-1.4".utf8))]
        let zh = try submit(lang: "zh", files: files)
        XCTAssertTrue(zh.contains("<strong>PDF、MOV</strong>"), "each format once, in the order sent")
        XCTAssertTrue(zh.contains("拍摄地点"))
        let en = try submit(lang: "en", files: files)
        XCTAssertTrue(en.contains("<strong>PDF, MOV</strong>"))
        XCTAssertTrue(en.contains("where they were taken"))
    }

    func testACleanedFileRaisesNoWarning() throws {
        let mp4 = [0, 0, 0, 16] + Array("ftypisom\0\0\0\0".utf8) + [0, 0, 0, 8] + Array("moov".utf8)
        let page = try submit(lang: "en", files: [("clip.mp4", "video/mp4", mp4)])
        XCTAssertFalse(page.contains("without removing their metadata"))
        let stored = try world.ledger.pool.read { db in try db.scalar("SELECT count(*) FROM cases", as: Int.self) }
        XCTAssertEqual(stored, 1)
    }
}
