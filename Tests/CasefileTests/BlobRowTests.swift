import Casework
import Foundation
import XCTest
@testable import Casefile
import TestSupport

final class BlobRowTests: XCTestCase {
    var world: World!

    override func setUpWithError() throws {
        world = try World()
        try world.standardRoster()
    }

    override func tearDown() { world = nil }

    func headCase(_ ref: String) throws -> StaffCase {
        guard case .success(let head) = try world.ledger.login("head", password: World.password, totpCode: ""),
              case .granted(let c) = try world.ledger.staffCase(ref: ref, accountID: head.account.id, key: head.key, action: .view) else {
            XCTFail("the head holds every new case")
            throw NSError(domain: "BlobRowTests", code: 1)
        }
        return c
    }

    func testABlobReadsAndOpensAsWritten() throws {
        let receipt = try world.submit(ReportDraft(category: "bribery", narrative: "BLOB-SOUND", accused: []))
        let reading = try world.ledger.readCase(try headCase(receipt.caseRef), readsNotes: true)
        XCTAssertNotNil(reading.content, "the report blob opened")
        XCTAssertEqual(reading.accused, [])
    }

    /// Before, a NULL author read as "" and a NULL day as day 0 (1970): the case page showed an
    /// entry by nobody on no day. Now the read fails and names the column and the table.
    func testANullAuthorIsAnErrorNamingColumnAndTable() throws {
        let receipt = try world.submit(ReportDraft(category: "bribery", narrative: "BLOB-DAMAGED", accused: []))
        let c = try headCase(receipt.caseRef)
        try DamagedDatabase.loosen(world, table: "blobs", column: "author", declared: "TEXT",
                                   then: "UPDATE blobs SET author = NULL WHERE kind = 'report'")
        XCTAssertThrowsError(try world.ledger.readCase(c, readsNotes: true)) { error in
            XCTAssertTrue("\(error)".contains("column author of table blobs"), "\(error)")
        }
    }
}
