@testable import Casefile
import Foundation
import SQLiteDB
import TestSupport
import XCTest

/// `candor migrate --dry-run` names what the next start would run, and changes nothing.
final class MigrateCommandTests: XCTestCase {
    func testTheDryRunNamesThePendingMigrationAndChangesNothing() throws {
        let world = try World()
        try world.standardRoster()
        let newest = try XCTUnwrap(Ledger.knownMigrations.last)
        // The database as the release before the newest migration left it (as far as the bookkeeping goes).
        try world.ledger.pool.write { db in
            try db.execute("DELETE FROM schema_migrations WHERE name = ?", [.text(newest)])
            try db.execute("PRAGMA user_version = \(Ledger.knownMigrations.count - 1)")
        }
        try world.ledger.close()
        world.ledger = nil
        let args = ["migrate", "--dry-run", "--data", world.dataFolder.path, "--keys", world.keys.url.path]
        let before = try Data(contentsOf: world.dataFolder.appendingPathComponent(Ledger.databaseName))
        let run = try CandorProcess.run(args, in: world.root)
        XCTAssertEqual(run.status, 0, run.output)
        XCTAssertTrue(run.output.contains("would run 1 migration(s)") && run.output.contains(newest), run.output)
        XCTAssertEqual(try Data(contentsOf: world.dataFolder.appendingPathComponent(Ledger.databaseName)), before)
        XCTAssertEqual(try Ledger.pendingMigrations(dataFolder: world.dataFolder), [newest])
    }

    func testACurrentSchemaHasNothingToRun() throws {
        let world = try World()
        try world.ledger.close()
        world.ledger = nil
        let run = try CandorProcess.run(["migrate", "--dry-run", "--data", world.dataFolder.path, "--keys", world.keys.url.path], in: world.root)
        XCTAssertEqual(run.status, 0)
        XCTAssertTrue(run.output.contains("nothing would run"), run.output)
    }
}
