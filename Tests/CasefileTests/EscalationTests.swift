import Casework
import Foundation
import Vault
import XCTest
@testable import Casefile
import TestSupport

/// Issue 17: a report about a principal leader goes one level up, as a sealed export, and the case
/// records the hand-over.
final class EscalationTests: XCTestCase {
    var world: World!
    let body = try! X25519PrivateKey()

    override func setUpWithError() throws {
        var settings = World.standardSettings
        settings.escalationRecipients = [EscalationRecipient(name: "集团纪委", publicKey: hex(body.publicKey.rawRepresentation), superior: true)]
        world = try World(settings: settings)
        try world.standardRoster()
    }

    override func tearDown() { world = nil }

    func open(_ ref: String, as login: String = "head") throws -> (StaffCase, StaffPrivateKey) {
        guard case .success(let u) = try world.ledger.login(login, password: World.password, totpCode: ""),
              case .granted(let c) = try world.ledger.staffCase(ref: ref, accountID: u.account.id, key: u.key, action: .view) else {
            throw NSError(domain: "open \(ref) as \(login)", code: 1)
        }
        return (c, u.key)
    }

    func testAnAccusedChairmanIsFoundAndAnOutsiderIsNot() throws {
        let top = try world.submit(ReportDraft(category: "bribery", narrative: "x", accused: [AccusedPerson(name: "赵敏", post: "董事长")]))
        let matches = try world.ledger.principalLeadersAccused(try open(top.caseRef).0)
        XCTAssertEqual(matches.map(\.position), ["chairman"])
        XCTAssertEqual(matches.first?.displayName, "赵敏")
        let plain = try world.submit(ReportDraft(category: "bribery", narrative: "x", accused: [AccusedPerson(name: "外部人员", post: "包工头")]))
        XCTAssertEqual(try world.ledger.principalLeadersAccused(try open(plain.caseRef).0), [])
    }

    func testTheHandOverIsSealedInTheCaseTheReporterIsToldAndTheSealsHold() throws {
        let receipt = try world.submit(ReportDraft(category: "bribery", narrative: "HANDOVER-NARRATIVE", accused: [AccusedPerson(name: "赵敏", post: "董事长")]))
        let (c, key) = try open(receipt.caseRef)
        XCTAssertThrowsError(try world.ledger.handOver(c, key: key, to: "某个未配置的机关", withIdentity: false))
        let export = try world.ledger.handOver(c, key: key, to: "集团纪委", withIdentity: false)
        let opened = try ExportFile.open(export.bytes, key: body, signer: try world.keys.signingPublicKey())
        XCTAssertTrue(String(decoding: opened.parts[0].bytes, as: UTF8.self).contains("HANDOVER-NARRATIVE"))

        let (again, _) = try open(receipt.caseRef)  // the seals were rewritten with the new pieces: it opens
        let recorded = try world.ledger.handOvers(again)
        XCTAssertEqual(recorded.map(\.recipient), ["集团纪委"])
        XCTAssertEqual(recorded.first?.sha256, hex(export.sha256))
        let reporter = try XCTUnwrap(try world.ledger.openCase(code: try XCTUnwrap(receipt.code).digits, gate: LookupGateHandle()).get())
        XCTAssertEqual(try world.ledger.reporterView(reporter).messages.map(\.text), [Ledger.handOverNotice])
        XCTAssertTrue(try world.ledger.auditEntries(limit: 20).contains { $0.action == "hand_over" && $0.detail == "sha256=\(hex(export.sha256))" })
        // The record is internal: the reporter's key does not open it.
        let pieces = try world.ledger.pool.read { db in try db.query("SELECT kind FROM blobs WHERE kind = 'hand_over'").count }
        XCTAssertEqual(pieces, 1)
        XCTAssertFalse(BlobKind.handOver.isChannel)
    }
}
