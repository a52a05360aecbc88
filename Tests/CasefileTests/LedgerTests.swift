import Foundation
import SQLiteDB
import XCTest
@testable import Casefile
import TestSupport

final class LedgerTests: XCTestCase {
    func testStorageFullIsSQLiteFullOrAFullFilesFolderAndNothingElse() {
        XCTAssertTrue(Ledger.isStorageFull(SQLiteError(extendedCode: 13, message: "database or disk is full")))
        XCTAssertFalse(Ledger.isStorageFull(SQLiteError(extendedCode: 5, message: "database is locked")))
        XCTAssertTrue(Ledger.isStorageFull(FileStore.Failure(description: "write", diskFull: true)))
        XCTAssertFalse(Ledger.isStorageFull(FileStore.Failure(description: "write", diskFull: false)))
        XCTAssertFalse(Ledger.isStorageFull(Ledger.Problem(description: "other")))
    }

    func testTheDataVersionMovesOnACommitAndNotOnARead() throws {
        let world = try World()
        let first = try world.ledger.dataVersion()
        _ = try world.ledger.accounts()
        XCTAssertEqual(try world.ledger.dataVersion(), first, "a read is not a change")
        try world.account("head", "王建国", .head)
        let second = try world.ledger.dataVersion()
        XCTAssertNotEqual(second, first, "a commit is")
        XCTAssertEqual(try world.ledger.dataVersionIfIdle(), second, "nobody else is asking")
        XCTAssertEqual(try world.ledger.integrityCheck(), [])
    }
}
