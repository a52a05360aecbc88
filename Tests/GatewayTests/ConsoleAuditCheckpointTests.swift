@testable import Casefile
import Casework
@testable import ConsoleSite
import Foundation
@testable import Gateway
import HTTPCore
import SQLiteDB
@testable import SiteKit
import XCTest

/// Issue 14, finding 3, on the auditor's page: the checkpoint line to copy, and a pasted one
/// verified against the log, answered in the reader's language.
final class ConsoleAuditCheckpointTests: XCTestCase {
    var cw: ConsoleWorld!

    override func setUpWithError() throws { cw = try ConsoleWorld() }
    override func tearDown() { cw = nil }

    func verify(_ s: ConsoleWorld.Session, checkpoint: String, lang: String = "zh") throws -> Response {
        try cw.call(.post, "/console/audit/verify?lang=\(lang)", cookie: s.cookie, form: [("csrf", s.csrf), ("checkpoint", checkpoint)])
    }

    func shownCheckpoint(_ s: ConsoleWorld.Session) throws -> String {
        let page = html(try cw.call(.get, "/console/audit", cookie: s.cookie))
        let start = try XCTUnwrap(page.range(of: "<pre id=\"audit-checkpoint\">"))
        let end = try XCTUnwrap(page.range(of: "</pre>", range: start.upperBound..<page.endIndex))
        return String(page[start.upperBound..<end.lowerBound])
    }

    /// The database writer's move: drop the trigger that refuses deletes, delete the newest entries.
    func cut(from id: Int64) throws {
        let db = try Database(path: cw.world.dataFolder.appendingPathComponent("candor.sqlite").path)
        defer { try? db.close() }
        try db.execute("DROP TRIGGER audit_log_no_delete")
        try db.execute("DELETE FROM audit_log WHERE id >= ?", [.integer(id)])
    }

    func testTheCopiedCheckpointFindsATailCutBelowIt() throws {
        let auditor = try cw.signIn("auditor")
        let line = try shownCheckpoint(auditor)
        XCTAssertTrue(line.hasPrefix("candor-audit-checkpoint v1 count="), line)
        let count = try cw.ledger.readAuditCheckpoint(line).count
        XCTAssertTrue(html(try verify(auditor, checkpoint: line)).contains("第 \(count) 条记录与检查点一致"))

        try cut(from: count - 1)
        // Each verify appends its own entry, so the log grows again after the cut: the checks
        // below read the first answer, then what the later ones say whatever the log's new length.
        let zh = html(try verify(auditor, checkpoint: line))
        XCTAssertTrue(zh.contains("data-intact=\"false\""))
        XCTAssertTrue(zh.contains("检查点记录了 \(count) 条，从第 \(count - 1) 条起缺失"), zh)
        let recorded = try cw.ledger.pool.read { db in
            try db.scalar("SELECT detail FROM audit_log WHERE id = ?", [.integer(count - 1)], as: String.self)
        }
        XCTAssertEqual(recorded, "result=broken entry=\(count - 1) checkpoint=\(count)", "the refusal is itself logged")
        let en = html(try verify(auditor, checkpoint: line, lang: "en"))
        XCTAssertTrue(en.contains("the checkpoint counted \(count) entries"), en)
        // Plain verify still finds a sound chain: that is the finding.
        let plain = html(try cw.call(.post, "/console/audit/verify", cookie: auditor.cookie, form: [("csrf", auditor.csrf)]))
        XCTAssertTrue(plain.contains("data-intact=\"true\""))
        // Grown past the checkpoint's count again, the log still fails it: entry `count` is another.
        _ = try cw.call(.post, "/console/audit/verify", cookie: auditor.cookie, form: [("csrf", auditor.csrf)])
        XCTAssertTrue(html(try verify(auditor, checkpoint: line, lang: "en")).contains("entry \(count) is not the one the checkpoint recorded"))
    }

    func testADamagedCheckpointIsRefusedAndConcludesNothing() throws {
        let auditor = try cw.signIn("auditor")
        let line = try shownCheckpoint(auditor)
        let slipped = line.replacingOccurrences(of: "v1 count=", with: "v1 count=1")
        let r = html(try verify(auditor, checkpoint: slipped))
        XCTAssertTrue(r.contains("data-intact=\"false\""))
        XCTAssertTrue(r.contains("检查点已损坏"))
        XCTAssertTrue(html(try verify(auditor, checkpoint: slipped, lang: "en")).contains("refused as damaged"))
    }

    func testTheSealedLineFromTheMailIsReadToo() throws {
        let auditor = try cw.signIn("auditor")
        let (checkpoint, sealed) = try cw.ledger.sealedAuditCheckpoint()
        let r = html(try verify(auditor, checkpoint: sealed, lang: "en"))
        XCTAssertTrue(r.contains("entry \(checkpoint.count) is the one the checkpoint recorded"), r)
    }

    func testPastingNeedsTheFormToken() throws {
        let auditor = try cw.signIn("auditor")
        let line = try shownCheckpoint(auditor)
        let r = try cw.call(.post, "/console/audit/verify", cookie: auditor.cookie, form: [("checkpoint", line)])
        XCTAssertEqual(r.status.code, 403)
    }
}
