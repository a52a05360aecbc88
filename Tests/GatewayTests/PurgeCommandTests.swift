@testable import Casefile
import Casework
@testable import Commands
@testable import ConsoleSite
import Foundation
@testable import Gateway
@testable import ReporterSite
@testable import SiteKit
import TestSupport
import XCTest

final class PurgeCommandTests: XCTestCase {
    var world: World!

    override func setUpWithError() throws {
        world = try World()
        try world.standardRoster()
    }

    override func tearDown() { world = nil }

    func testDryRunChangesNothingAndYesPurges() throws {
        let receipt = try world.submit(Samples.draft(1))
        let day = Int64(world.ledger.today.adding(days: -800).ordinal)
        try world.ledger.pool.write { db in
            try db.execute("UPDATE cases SET state = 'closed', outcome = 'unsubstantiated', closed_day = ? WHERE ref = ?",
                           [.integer(day), .text(receipt.caseRef)])
        }
        let common = ["--data", world.dataFolder.path, "--keys", world.root.appendingPathComponent("Keys").path]
        XCTAssertEqual(CandorCLI.main(["purge"] + common), 1, "neither --dry-run nor --yes")
        XCTAssertEqual(CandorCLI.main(["purge", "--dry-run"] + common), 0)
        XCTAssertEqual(try world.ledger.purgeCandidates(today: world.ledger.today).map(\.ref), [receipt.caseRef], "a dry run changes nothing")
        XCTAssertEqual(CandorCLI.main(["purge", "--yes"] + common), 0)
        XCTAssertEqual(try world.ledger.purgeCandidates(today: world.ledger.today), [])
        let purged = try world.ledger.pool.read { db in
            try db.scalar("SELECT purged_day FROM cases WHERE ref = ?", [.text(receipt.caseRef)], as: Int.self)
        }
        XCTAssertNotNil(purged)
    }

    /// Into a log: one record line per case, no progress line, and the throughput counts the
    /// sealed bytes of the files the purge deleted.
    func testPurgeIntoALogCountsTheDeletedFilesBytes() throws {
        let receipt = try world.submit(Samples.draft(1), files: [("f-1.bin", "application/octet-stream", Samples.fileBytes(1))])
        let file = try XCTUnwrap(try world.ledger.pool.read { db in
            try db.queryOne("SELECT file FROM attachments a JOIN cases c ON c.id = a.case_id WHERE c.ref = ?", [.text(receipt.caseRef)])?.string("file")
        })
        let sealed = try XCTUnwrap(try FileManager.default.attributesOfItem(atPath: world.ledger.files.path(file))[.size] as? Int)
        let day = Int64(world.ledger.today.adding(days: -800).ordinal)
        try world.ledger.pool.write { db in
            try db.execute("UPDATE cases SET state = 'closed', outcome = 'unsubstantiated', closed_day = ? WHERE ref = ?",
                           [.integer(day), .text(receipt.caseRef)])
        }
        let common = ["--data", world.dataFolder.path, "--keys", world.root.appendingPathComponent("Keys").path]
        let output = try capturingStandardOutput { XCTAssertEqual(CandorCLI.main(["purge", "--yes"] + common), 0) }
        XCTAssertFalse(output.contains("\r") || output.contains("\u{1B}"), output)
        XCTAssertTrue(output.contains("purged \(receipt.registerNumber) ("), output)
        XCTAssertTrue(output.contains("throughput: \(sealed) bytes in "), "the file's \(sealed) sealed bytes: \(output)")
        XCTAssertTrue(output.contains(" cases/s"), output)
        XCTAssertFalse(FileManager.default.fileExists(atPath: world.ledger.files.path(file)))
    }
}
