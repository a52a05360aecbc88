import Casework
import Foundation
import Vault
import XCTest
@testable import Casefile
import TestSupport

final class GrantsTests: XCTestCase {
    var world: World!

    override func setUpWithError() throws {
        world = try World()
        try world.standardRoster()
    }

    override func tearDown() { world = nil }

    func staff(_ login: String) throws -> (Account, StaffPrivateKey) {
        let account = try XCTUnwrap(try world.ledger.account(login: login))
        return (account, try XCTUnwrap(try world.ledger.unlockKey(accountID: account.id, password: World.password)))
    }

    /// A clearance from a case that names no one: the separation check itself, not a stand-in.
    func cleared(_ account: Account, _ ref: String) throws -> GrantClearance {
        try CaseSeparation(ref: ref, accused: [], records: []).clear(account)
    }

    func same(_ a: ChannelKey, _ b: ChannelKey) -> Bool { a.withSecret { x in b.withSecret { $0 == x } } }
    func same(_ a: IdentityKey, _ b: IdentityKey) -> Bool { a.withSecret { x in b.withSecret { $0 == x } } }

    // MARK: What the grants do

    /// The keys a staff or recovery grant opened, when they are a two-key case's.
    func split(_ opened: Grants.Opened) -> CaseKeys? {
        if case .keys(let keys) = opened { return keys }
        return nil
    }

    func testBothKeysOfACaseOpenOnlyForTheirAccountAndTheirCase() throws {
        let (head, headKey) = try staff("head")
        let (inspector, inspectorKey) = try staff("inspector1")
        let keys = try CaseKeys.random()
        let grants = try Grants.seal(keys, ref: "case-a", for: head, cleared: try cleared(head, "case-a"))
        XCTAssertEqual(grants.map(\.table), [.caseKey, .internalKey])
        XCTAssertEqual(Set(grants.map(\.holder)), ["account:\(head.id)"])
        XCTAssertEqual(Set(grants.compactMap(\.accountID)), [head.id])
        let opened = try XCTUnwrap(split(try Grants.openCaseKeys(channel: grants[0].bytes, internal: grants[1].bytes, ref: "case-a",
                                                                 accountID: head.id, with: headKey)))
        XCTAssertTrue(same(opened.channel, keys.channel))
        XCTAssertTrue(opened.internal.withSecret { x in keys.internal.withSecret { $0 == x } })
        XCTAssertThrowsError(try Grants.openCaseKeys(channel: grants[0].bytes, internal: grants[1].bytes, ref: "case-b", accountID: head.id,
                                                     with: headKey), "another case")
        XCTAssertThrowsError(try Grants.openCaseKeys(channel: grants[0].bytes, internal: grants[1].bytes, ref: "case-a", accountID: inspector.id,
                                                     with: inspectorKey), "another account")
        // A two-key case's channel grant without its internal grant is a deleted row, not an old case.
        XCTAssertThrowsError(try Grants.openCaseKeys(channel: grants[0].bytes, internal: nil, ref: "case-a", accountID: head.id,
                                                     with: headKey)) { XCTAssertTrue($0 is Grants.InternalGrantMissing) }
        // The two grants are not interchangeable.
        XCTAssertThrowsError(try Grants.openCaseKeys(channel: grants[1].bytes, internal: grants[0].bytes, ref: "case-a", accountID: head.id,
                                                     with: headKey))
    }

    func testAnIdentityGrantNeverOpensAsACaseKeyGrant() throws {
        let (head, headKey) = try staff("head")
        let identityKey = try IdentityKey.random()
        let grant = try Grants.seal(identityKey, ref: "case-a", for: head, cleared: try cleared(head, "case-a"))
        XCTAssertEqual(grant.table, .identity)
        XCTAssertTrue(same(try Grants.openIdentityKey(grant.bytes, ref: "case-a", accountID: head.id, with: headKey), identityKey))
        XCTAssertThrowsError(try Grants.openCaseKeys(channel: grant.bytes, internal: grant.bytes, ref: "case-a", accountID: head.id, with: headKey),
                             "the identity key is sealed under its own context")
    }

    func testRecoveryHoldsBothKeysAndTheReporterOnlyTheChannelKey() throws {
        let keys = try CaseKeys.random()
        let recovery = RecoveryPrivateKey(world.recoveryKey)
        let forRecovery = try Grants.sealForRecovery(keys, ref: "case-a", to: world.recoveryKey.publicKey)
        XCTAssertEqual(forRecovery.map(\.holder), ["recovery", "recovery"])
        XCTAssertEqual(forRecovery.compactMap(\.accountID), [])
        let opened = try XCTUnwrap(split(try Grants.openCaseKeys(channel: forRecovery[0].bytes, internal: forRecovery[1].bytes, ref: "case-a",
                                                                 with: recovery)))
        XCTAssertTrue(same(opened.channel, keys.channel))
        let identityKey = try IdentityKey.random()
        let identityForRecovery = try Grants.sealForRecovery(identityKey, ref: "case-a", to: world.recoveryKey.publicKey)
        XCTAssertTrue(same(try Grants.openIdentityKey(identityForRecovery.bytes, ref: "case-a", with: recovery), identityKey))

        let reporterKey = ReporterKey(try SecureBytes.random(count: 32))
        let forReporter = try Grants.sealForReporter(keys.channel, ref: "case-a", reporterKey: reporterKey)
        XCTAssertEqual(forReporter.holder, "reporter")
        XCTAssertEqual(forReporter.table, .caseKey, "the reporter has no internal grant")
        let reporters = try Grants.openChannelKey(forReporter.bytes, ref: "case-a", reporterKey: reporterKey)
        XCTAssertTrue(same(reporters.key, keys.channel))
        XCTAssertTrue(reporters.split)
        XCTAssertFalse(reporters.key.withSecret { x in keys.internal.withSecret { $0 == x } }, "the channel key is not the internal key")
        XCTAssertThrowsError(try Grants.openChannelKey(forReporter.bytes, ref: "case-a",
                                                       reporterKey: ReporterKey(try SecureBytes.random(count: 32))), "another code")
    }

    func testAClearanceSealsOnlyForItsAccountAndCaseAndNeverForTheAccused() throws {
        let (head, _) = try staff("head")
        let (inspector, _) = try staff("inspector1")
        let forHead = try cleared(head, "case-a")
        XCTAssertThrowsError(try Grants.seal(try CaseKeys.random(), ref: "case-a", for: inspector, cleared: forHead), "another account")
        XCTAssertThrowsError(try Grants.seal(try CaseKeys.random(), ref: "case-b", for: head, cleared: forHead), "another case")
        let naming = CaseSeparation(ref: "case-a", accused: [AccusedPerson(name: "王部长", post: "")], records: [])
        XCTAssertThrowsError(try naming.clear(head), "王部长 may be 王建国, the head: no clearance")
        let recorded = CaseSeparation(ref: "case-a", accused: [], records: [ExclusionRecord(accountID: inspector.id, reason: "recused")])
        XCTAssertThrowsError(try recorded.clear(inspector), "an exclusion on record: no clearance")
    }

    /// The contexts are part of every grant already stored: changing one would lock every
    /// existing database and backup out (BackupTests opens committed samples with them).
    func testTheContextsAreTheOnesStoredGrantsWereSealedWith() {
        XCTAssertEqual(Grants.caseContext(ref: "r", holder: "account:7"), Array("candor/grant/v1|r|account:7".utf8))
        XCTAssertEqual(Grants.channelContext(ref: "r", holder: "account:7"), Array("candor/grant/v2|r|account:7".utf8))
        XCTAssertEqual(Grants.internalContext(ref: "r", holder: "recovery"), Array("candor/internal-grant/v1|r|recovery".utf8))
        XCTAssertEqual(Grants.identityContext(ref: "r", holder: "recovery"), Array("candor/identity-grant/v1|r|recovery".utf8))
    }

    // MARK: The only place

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Lines of Casefile outside Grants.swift that seal or open with `SealedBox`, or name a
    /// grant context, store a grant or read a sealed grant key. TOTP secrets are sealed to the
    /// account's key too, but they are not grants: those two lines are allowed by file and by
    /// their own context string, as are the schema's column declarations.
    static func grantCodeOutsideGrants(root: URL) throws -> [String] {
        let folder = root.appendingPathComponent("Sources/Casefile")
        let markers = ["SealedBox.", "candor/grant/", "candor/identity-grant/", "candor/internal-grant/", "sealed_key"]
        let allowed: [(file: String, mustContain: String)] = [
            ("Accounts/Login.swift", "candor/totp/v1"),
            ("Accounts/AccountStore.swift", "candor/totp/v1"),
            ("Store/Schema.swift", "sealed_key BLOB NOT NULL"),
            // Issue 17: an export's one-time content key, sealed to the receiving body's key under
            // the export's own context — no case key, no holder, nothing stored in `grants`.
            ("Export/ExportFile.swift", "boxContext(exportID:"),
        ]
        var found: [String] = []
        let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)!
        for case let url as URL in files where url.pathExtension == "swift" {
            let relative = String(url.path.dropFirst(folder.path.count + 1))
            guard relative != "Cases/Grants.swift" else { continue }
            let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
            for (n, line) in lines.enumerated() where markers.contains(where: line.contains) {
                if allowed.contains(where: { $0.file == relative && line.contains($0.mustContain) }) { continue }
                found.append("\(relative):\(n + 1): \(line.trimmingCharacters(in: .whitespaces))")
            }
        }
        return found.sorted()
    }

    /// Lines of Casefile that make a `GrantClearance` or declare a staff seal without one. The
    /// type's initialiser is fileprivate to SeparationCheck.swift and `Grants.seal` for an
    /// account takes one, so a grant path that skips art. 10 does not compile; this guards the
    /// two declarations that make that so.
    static func clearanceBypasses(root: URL) throws -> [String] {
        let folder = root.appendingPathComponent("Sources/Casefile")
        var found: [String] = []
        let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)!
        for case let url as URL in files where url.pathExtension == "swift" {
            let relative = String(url.path.dropFirst(folder.path.count + 1))
            let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
            for (n, line) in lines.enumerated() {
                let bypass = relative == "Cases/SeparationCheck.swift"
                    ? line.contains("init(accountID") && !line.contains("fileprivate init(")
                    : line.contains("GrantClearance(")
                let unguarded = relative == "Cases/Grants.swift" && line.contains("static func seal(")
                    && line.contains("for account: Account") && !line.contains("cleared: GrantClearance")
                if bypass || unguarded { found.append("\(relative):\(n + 1): \(line.trimmingCharacters(in: .whitespaces))") }
            }
        }
        return found.sorted()
    }

    func testNoGrantForAStaffAccountIsSealedWithoutTheSeparationCheck() throws {
        XCTAssertEqual(try Self.clearanceBypasses(root: Self.packageRoot), [],
                       "only CaseSeparation.clear makes a GrantClearance, and every staff seal takes one")
        let grants = try String(contentsOf: Self.packageRoot.appendingPathComponent("Sources/Casefile/Cases/Grants.swift"), encoding: .utf8)
        XCTAssertEqual(grants.components(separatedBy: "cleared: GrantClearance").count - 1, 2, "both staff seals (case key, identity key)")
    }

    func testGrantsIsTheOnlyPlaceThatSealsOrOpensAGrant() throws {
        let root = Self.packageRoot
        let swiftFiles = FileManager.default.enumerator(atPath: root.appendingPathComponent("Sources/Casefile").path)?
            .compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") } ?? []
        XCTAssertGreaterThan(swiftFiles.count, 20, "the sources were found at \(root.path)")
        XCTAssertEqual(try Self.grantCodeOutsideGrants(root: root), [],
                       "grants are sealed, opened, stored and read in Cases/Grants.swift only")
    }
}
