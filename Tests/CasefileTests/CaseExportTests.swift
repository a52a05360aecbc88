import Casework
import Foundation
import SQLiteDB
import Vault
import XCTest
@testable import Casefile
import TestSupport

/// The ledger's export: what a case hands over, and what it never does.
final class CaseExportTests: XCTestCase {
    var world: World!

    override func setUpWithError() throws {
        world = try World()
        try world.standardRoster()
    }

    override func tearDown() { world = nil }

    func open(_ ref: String, as login: String = "head", _ action: CaseAction = .view) throws -> StaffCase {
        guard case .success(let u) = try world.ledger.login(login, password: World.password, totpCode: ""),
              case .granted(let c) = try world.ledger.staffCase(ref: ref, accountID: u.account.id, key: u.key, action: action) else {
            throw NSError(domain: "open \(ref) as \(login)", code: 1)
        }
        return c
    }

    /// A real-name report with a file, registered, proposed, a note and a message to the reporter.
    func worked(confidential: Bool) throws -> String {
        var draft = ReportDraft(category: "bribery", narrative: "EXPORT-NARRATIVE", accused: [AccusedPerson(name: "外部人员", post: "包工头")])
        draft.mode = .realName
        draft.confidential = confidential
        draft.identity = .init(name: "EXPORT-REPORTER", phone: "13900004444", otherContact: "")
        let ref = try world.submit(draft, files: [(name: "evidence.txt", type: "text/plain", bytes: Array("EXPORT-FILE".utf8))]).caseRef
        try world.ledger.register(try open(ref), category: nil, message: "EXPORT-RECEIVED")
        try world.ledger.addNote(try open(ref, .addNote), text: "EXPORT-NOTE")
        try world.ledger.propose(try open(ref), summary: "EXPORT-SUMMARY")
        return ref
    }

    func export(_ ref: String, to recipient: X25519PrivateKey, withIdentity: Bool = false) throws -> Ledger.CaseExport {
        try world.ledger.exportCase(ref: ref, recoveryKey: RecoveryPrivateKey(world.recoveryKey), to: recipient.publicKey, withIdentity: withIdentity)
    }

    func testTheExportHoldsTheCaseItsFilesAndItsAuditEntriesAndIsAudited() throws {
        let ref = try worked(confidential: false)
        let recipient = try X25519PrivateKey()
        let made = try export(ref, to: recipient)
        let opened = try ExportFile.open(made.bytes, key: recipient, signer: try world.keys.signingPublicKey())
        let contents = try ExportContents.decode(try XCTUnwrap(opened.parts.first { $0.name == "contents" }).bytes)
        XCTAssertEqual(contents.ref, ref)
        let texts = contents.pieces.map(\.text).joined(separator: "\n")
        for expected in ["EXPORT-NARRATIVE", "EXPORT-NOTE", "EXPORT-SUMMARY", "EXPORT-RECEIVED", "外部人员"] {
            XCTAssertTrue(texts.contains(expected), expected)
        }
        XCTAssertFalse(contents.pieces.contains { $0.kind == "exclusions" || $0.kind == "identity" })
        XCTAssertNil(contents.identity)
        XCTAssertFalse(String(decoding: opened.parts.flatMap(\.bytes), as: UTF8.self).contains("EXPORT-REPORTER"), "no identity unless asked")
        XCTAssertEqual(contents.files.map(\.name), ["evidence.txt"])
        XCTAssertEqual(opened.parts.first { $0.name == contents.files[0].part }?.bytes, Array("EXPORT-FILE".utf8))
        XCTAssertTrue(contents.audit.contains { $0.action == "propose" || $0.action.hasPrefix("propose") })
        XCTAssertEqual(contents.facts.state, "awaiting_approval")
        let last = try XCTUnwrap(try world.ledger.auditEntries(limit: 1).first)
        XCTAssertEqual(last.action, "export")
        XCTAssertTrue(last.detail.contains("sha256=\(hex(made.sha256))"))
        XCTAssertEqual(made.sha256, try SHA256.hash(made.bytes))
    }

    func testTheIdentityGoesOnlyWhenArt16AllowsItAndTheExporterAsks() throws {
        let open = try worked(confidential: false)
        let recipient = try X25519PrivateKey()
        let made = try export(open, to: recipient, withIdentity: true)
        XCTAssertTrue(made.identityIncluded)
        let contents = try ExportContents.decode(try ExportFile.open(made.bytes, key: recipient).parts[0].bytes)
        XCTAssertTrue(contents.identity?.contains("EXPORT-REPORTER") == true)

        // Strict confidentiality (art. 16): never beyond the head, so never in an export, whoever asks.
        let confidential = try worked(confidential: true)
        XCTAssertThrowsError(try export(confidential, to: recipient, withIdentity: true)) { error in
            XCTAssertTrue("\(error)".contains("art. 16"), "\(error)")
        }
        XCTAssertThrowsError(try world.ledger.exportCase(try self.open(confidential), key: try unlockKey("head"), to: recipient.publicKey, withIdentity: true))
        XCTAssertFalse(try export(confidential, to: recipient).identityIncluded)
    }

    func unlockKey(_ login: String) throws -> StaffPrivateKey {
        guard case .success(let u) = try world.ledger.login(login, password: World.password, totpCode: "") else { throw NSError(domain: login, code: 1) }
        return u.key
    }

    func testTheHeadExportsFromTheConsoleAndNoOneElseDoes() throws {
        let ref = try worked(confidential: false)
        let recipient = try X25519PrivateKey()
        let made = try world.ledger.exportCase(try open(ref), key: try unlockKey("head"), to: recipient.publicKey, withIdentity: true)
        XCTAssertTrue(made.identityIncluded)
        XCTAssertNoThrow(try ExportFile.open(made.bytes, key: recipient, signer: try world.keys.signingPublicKey()))
        XCTAssertThrowsError(try world.ledger.exportCase(try open(ref, as: "chairman"), key: try unlockKey("chairman"),
                                                         to: recipient.publicKey, withIdentity: false))
    }

    func testATamperedCaseIsRefusedNotExported() throws {
        let ref = try worked(confidential: false)
        try world.ledger.pool.write { db in
            for name in try db.query("SELECT name FROM sqlite_master WHERE type = 'trigger'").map({ try $0.string("name")! }) {
                try db.execute("DROP TRIGGER \(name)")
            }
            try db.execute("UPDATE cases SET confidential = 1 WHERE ref = ?", [.text(ref)])
        }
        XCTAssertThrowsError(try export(ref, to: try X25519PrivateKey())) { error in
            XCTAssertTrue("\(error)".contains("seal"), "\(error)")
        }
        XCTAssertThrowsError(try world.ledger.exportCase(ref: ref, recoveryKey: RecoveryPrivateKey(try X25519PrivateKey()),
                                                         to: try X25519PrivateKey().publicKey, withIdentity: false))
    }

    func testTheSigningKeyIsMadeOnceAndNeverReplaced() throws {
        let pub = try world.keys.signingPublicKey()
        XCTAssertEqual(try world.keys.signingKey().publicKey, pub)
        XCTAssertThrowsError(try world.keys.createSigningKey())
        XCTAssertEqual(try world.keys.signingPublicKey(), pub)
    }
}
