import Casework
import Foundation
import XCTest
@testable import Casefile
import TestSupport

final class IdentityAccessTests: XCTestCase {
    func testCheckAttachmentPassesAWholeFileAndThrowsOnOneAlteredByte() throws {
        let world = try World()
        try world.standardRoster()
        let receipt = try world.submit(Samples.draft(1), files: [("f-1.bin", "application/octet-stream", Samples.fileBytes(1))])
        guard case .success(let unlock) = try world.ledger.login("head", password: World.password, totpCode: "") else {
            return XCTFail("the head logs in")
        }
        guard case .granted(let c) = try world.ledger.staffCase(ref: receipt.caseRef, accountID: unlock.account.id, key: unlock.key, action: .view) else {
            return XCTFail("the head holds the case")
        }
        let file = try XCTUnwrap(try world.ledger.attachments(c).first).file
        let audited = try world.ledger.auditEntries(limit: 1000).count
        XCTAssertNoThrow(try world.ledger.checkAttachment(c, file: file))
        XCTAssertEqual(try world.ledger.auditEntries(limit: 1000).count, audited, "a check decrypts nothing that leaves: not audited")

        let path = world.ledger.files.path(file)
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[bytes.count / 2] ^= 0x01
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try world.ledger.checkAttachment(c, file: file), "one flipped bit fails its chunk's tag")
        XCTAssertThrowsError(try world.ledger.checkAttachment(c, file: "no-such-file"))
    }
}
