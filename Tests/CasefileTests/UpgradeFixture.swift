import Casework
import Foundation
import Glibc
import Vault
import XCTest
@testable import Casefile
import TestSupport

/// A small installation made by the code of the day, and what every role could read in it then:
/// the upgrade test opens a committed copy with today's code and expects the same answers.
/// `Tests/Fixtures/upgrade/make-fixture.sh` writes one with `UpgradeFixtureTests.testTheMakerBuildsAFixtureThatReadsBack`.
struct UpgradeFixture: Codable {
    struct CaseRecord: Codable {
        var ref: String
        var code: String
        var stage: String
        var narrative: String
        var realName: Bool
        /// The identity the head reads on a real-name case.
        var identityName: String?
        /// The reporter's file, as text.
        var file: String?
        /// Messages the reporter's page shows.
        var reporterMessages: Int
        /// Logins the case opens for (to view), and what each reads as its narrative.
        var readers: [String]
    }
    /// The code that made it (`git describe`, given by the script) and the migrations applied.
    var madeBy: String
    var migrations: [String]
    var password: String
    var recoveryKeyFile: String
    var logins: [String]
    var cases: [CaseRecord]

    static let logins = ["head", "inspector1", "inspector2", "chairman", "secretary", "admin", "auditor", "supervisor", "deputysecretary"]
    static let manifestName = "fixture.json"

    /// Builds the installation in a fresh World: four cases, one at each stage a case spends
    /// time in, one of them under a real name with a file.
    static func build(madeBy: String) throws -> (World, UpgradeFixture) {
        let world = try World()
        try world.standardRoster()
        try world.writeSettingsFile()
        let l = world.ledger!
        func open(_ ref: String, _ login: String = "head") throws -> StaffCase {
            guard case .success(let u) = try l.login(login, password: World.password, totpCode: ""),
                  case .granted(let c) = try l.staffCase(ref: ref, accountID: u.account.id, key: u.key, action: .view) else {
                throw Ledger.Problem(description: "\(login) cannot open \(ref)")
            }
            return c
        }
        func report(_ tag: String, realName: Bool = false) throws -> Receipt {
            var draft = ReportDraft(category: "bribery", narrative: "UPGRADE-\(tag)-NARRATIVE", accused: [AccusedPerson(name: "赵六", post: "施工队长")])
            if realName {
                draft.mode = .realName
                draft.identity = .init(name: "UPGRADE-REPORTER", phone: "13900001111", otherContact: "")
            }
            return try world.submit(draft, files: [(name: "\(tag).txt", type: "text/plain", bytes: Array("UPGRADE-\(tag)-FILE".utf8))])
        }
        var made: [(Receipt, String)] = []
        made.append((try report("RECEIVED"), "received"))
        let registered = try report("REGISTERED", realName: true)
        try l.register(try open(registered.caseRef), category: nil, message: "UPGRADE-REGISTERED-MESSAGE")
        made.append((registered, "registered, real name"))
        let designated = try report("DESIGNATED")
        try l.register(try open(designated.caseRef), category: nil, message: nil)
        try l.propose(try open(designated.caseRef), summary: "UPGRADE-SUMMARY")
        try l.decideApproval(try open(designated.caseRef, "chairman"), approve: true)
        try l.decideApproval(try open(designated.caseRef, "secretary"), approve: true)
        try l.designate(try open(designated.caseRef), inspectorID: try XCTUnwrap(try l.account(login: "inspector1")).id)
        try l.addNote(try open(designated.caseRef, "inspector1"), text: "UPGRADE-NOTE")
        made.append((designated, "designated to inspector1, a note"))
        let concluded = try report("CONCLUDED")
        try l.register(try open(concluded.caseRef), category: nil, message: nil)
        try l.propose(try open(concluded.caseRef), summary: "UPGRADE-SUMMARY-2")
        try l.decideApproval(try open(concluded.caseRef, "chairman"), approve: true)
        try l.decideApproval(try open(concluded.caseRef, "secretary"), approve: true)
        try l.designate(try open(concluded.caseRef), inspectorID: try XCTUnwrap(try l.account(login: "inspector2")).id)
        try l.fileReport(try open(concluded.caseRef, "inspector2"), text: "UPGRADE-REPORT")
        try l.submitToLeaders(try open(concluded.caseRef))
        try l.conclude(try open(concluded.caseRef), outcome: .substantiated, message: "UPGRADE-CONCLUDED-MESSAGE")
        made.append((concluded, "concluded"))
        let reading = try made.map { receipt, stage in
            var record = try read(l, ref: receipt.caseRef, code: try XCTUnwrap(receipt.code).grouped, password: World.password)
            record.stage = stage
            return record
        }
        let fixture = UpgradeFixture(madeBy: madeBy, migrations: Ledger.knownMigrations, password: World.password,
                                     recoveryKeyFile: "recovery.key", logins: logins, cases: reading)
        return (world, fixture)
    }

    /// What the ledger gives each login and the reporter's code for one case, now.
    static func read(_ l: Ledger, ref: String, code: String, password: String) throws -> CaseRecord {
        var record = CaseRecord(ref: ref, code: code, stage: "", narrative: "", realName: false, identityName: nil, file: nil,
                                reporterMessages: 0, readers: [])
        for login in logins {
            guard case .success(let u) = try l.login(login, password: password, totpCode: "") else {
                throw Ledger.Problem(description: "\(login) cannot log in")
            }
            guard case .granted(let c) = try l.staffCase(ref: ref, accountID: u.account.id, key: u.key, action: .view) else { continue }
            record.readers.append(login)
            let narrative = try l.readCase(c, readsNotes: false).content?.narrative ?? ""
            guard login == "head" else {
                if narrative != record.narrative && !record.narrative.isEmpty { throw Ledger.Problem(description: "\(login) reads another narrative") }
                continue
            }
            record.narrative = narrative
            record.realName = c.realName
            record.identityName = try l.readIdentity(c, key: u.key)?.name
            if let file = try l.attachments(c).first(where: { !$0.internalOnly }) {
                var bytes: [UInt8] = []
                try l.readAttachment(c, file: file.file) { bytes += $0 }
                record.file = String(decoding: bytes, as: UTF8.self)
            }
        }
        guard case .success(let reporter) = try l.openCase(code: code, gate: LookupGateHandle()) else {
            throw Ledger.Problem(description: "the reporter's code does not open \(ref)")
        }
        record.reporterMessages = try l.reporterView(reporter).messages.count
        return record
    }

    /// Writes the installation into `folder` (data/, Keys/, the recovery key, fixture.json).
    func write(_ world: World, to folder: URL) throws {
        let fm = FileManager.default
        try world.ledger.close()
        world.ledger = nil
        if fm.fileExists(atPath: folder.path) { try fm.removeItem(at: folder) }
        try fm.createDirectory(at: folder, withIntermediateDirectories: true)
        try fm.copyItem(at: world.dataFolder, to: folder.appendingPathComponent("data"))
        try fm.copyItem(at: world.keys.url, to: folder.appendingPathComponent("Keys"))
        // The format `candor init --recovery-key-out` writes (RecoveryKeyFile in Commands).
        let recovery = "CANDOR RECOVERY PRIVATE KEY v1\n" + hex(try world.recoveryKey.rawRepresentation.unsafeCopyToArray()) + "\n"
        try Data(recovery.utf8).write(to: folder.appendingPathComponent(recoveryKeyFile))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(self).write(to: folder.appendingPathComponent(UpgradeFixture.manifestName))
    }

    /// A working copy of a fixture folder in a temporary directory, with the modes Candor wants
    /// (git keeps none): folders 0700, files 0600.
    static func copy(_ folder: URL) throws -> URL {
        let fm = FileManager.default
        let copy = fm.temporaryDirectory.appendingPathComponent("candor-upgrade-\(UUID().uuidString)")
        try fm.copyItem(at: folder, to: copy)
        let walker = fm.enumerator(atPath: copy.path)
        chmod(copy.path, 0o700)
        while let relative = walker?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            let path = copy.appendingPathComponent(relative).path
            _ = fm.fileExists(atPath: path, isDirectory: &isDirectory)
            chmod(path, isDirectory.boolValue ? 0o700 : 0o600)
        }
        return copy
    }
}
