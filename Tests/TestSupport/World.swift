import Casefile
import Casework
import Foundation
import Vault

/// A throwaway installation: a key folder, a data folder and a roster, in a temporary directory.
/// scrypt for passwords runs at a lower cost than in production (still real scrypt) so that the
/// suite stays fast. Shared by CasefileTests and GatewayTests.
public final class World {
    public let root: URL
    public let keys: KeyFolder
    public let recoveryKey: X25519PrivateKey
    public var ledger: Ledger!
    public var settings: Settings
    public static let password = "correct horse battery staple"
    public static let fastParameters = try! ScryptParameters(logN: 10, r: 8, p: 1)

    /// The default settings with the standard roster's alternates (issue 13: a report naming its
    /// usual reader always has someone to read it). Pass `.default` for none.
    public static var standardSettings: Settings {
        var s = Settings.default
        s.alternates = Alternates(intake: "inspector2", chairman: "supervisor", partySecretary: "deputysecretary")
        return s
    }

    public init(settings: Settings = World.standardSettings, clock: (@Sendable () -> Int64)? = nil) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("candor-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        (keys, recoveryKey) = try KeyFolder.create(at: root.appendingPathComponent("Keys"))
        self.settings = settings
        try reopen(clock: clock)
    }

    public func reopen(clock: (@Sendable () -> Int64)? = nil) throws {
        try ledger?.close()
        if let clock {
            ledger = try Ledger(dataFolder: dataFolder, keys: keys, settings: settings, passwordParameters: World.fastParameters, clock: clock)
        } else {
            ledger = try Ledger(dataFolder: dataFolder, keys: keys, settings: settings, passwordParameters: World.fastParameters)
        }
    }

    public var dataFolder: URL { root.appendingPathComponent("data") }

    /// Writes `settings` where `candor serve --data dataFolder` reads them (DATA/settings.json):
    /// serve refuses settings without valid alternates (issue 13).
    public func writeSettingsFile() throws {
        try Data(try settings.encodedJSON()).write(to: dataFolder.appendingPathComponent("settings.json"))
    }

    /// Creates an account as the command line does; a reader made once someone could confirm it
    /// is confirmed by the first head or seat holder, as `candor demo` does (issue 13). Use
    /// `ledger.createAccount` to see it pending.
    @discardableResult
    public func account(_ login: String, _ name: String, _ role: Role, seat: Seat? = nil, employeeID: String? = nil) throws -> Account {
        let made = try ledger.createAccount(login: login, displayName: name, employeeID: employeeID, role: role, seat: seat,
                                            password: World.password, actor: "test", commandLine: true)
        guard made.readingPending else { return made }
        try confirmPending(of: made.id)
        return try ledger.account(id: made.id)!
    }

    /// Confirms every open change of `accountID`'s reading power as the first head or seat
    /// holder who is not that account.
    public func confirmPending(of accountID: Int64) throws {
        let confirmer = try ledger.accounts().first {
            $0.id != accountID && !$0.disabled && !$0.readingPending && ($0.role == .head || ($0.role == .approver && $0.seat != nil))
        }
        guard let confirmer else { return }
        for change in try ledger.pendingReaderChanges() where change.accountID == accountID {
            try ledger.confirmReaderChange(change.id, by: confirmer.id, settingsFile: nil)
        }
    }

    /// The demo roster: a head, two inspectors, both seats, an admin, an auditor and the two
    /// seats' alternates.
    public func standardRoster() throws {
        try account("head", "王建国", .head, employeeID: "E1001")
        try account("inspector1", "李娜", .inspector, employeeID: "E1002")
        try account("inspector2", "张伟", .inspector, employeeID: "E1003")
        try account("chairman", "赵敏", .approver, seat: .chairman)
        try account("secretary", "钱伟", .approver, seat: .partySecretary)
        try account("admin", "系统管理员", .admin)
        try account("auditor", "审计员", .auditor)
        // Appended, so the ids above stay: the seats' alternates (World.standardSettings).
        try account("supervisor", "孙立", .approver, employeeID: "E0003")
        try account("deputysecretary", "周琳", .approver, employeeID: "E0004")
    }

    public func submit(_ draft: ReportDraft, files: [(name: String, type: String, bytes: [UInt8])] = []) throws -> Receipt {
        let staging = try ledger.beginIntake()
        for file in files {
            let writer = try staging.beginFile(in: ledger.files)
            try writer.write(file.bytes)
            try staging.finishFile(writer, meta: AttachmentMeta(fileName: file.name, contentType: file.type,
                                                                size: Int64(file.bytes.count), metadataStripped: false))
        }
        return try ledger.submit(draft, staging: staging)
    }

    /// Every byte under the data folder, WAL and files included.
    public func allStoredBytes() throws -> [UInt8] {
        var out: [UInt8] = []
        let e = FileManager.default.enumerator(at: dataFolder, includingPropertiesForKeys: nil)!
        for case let url as URL in e {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir), !isDir.boolValue {
                out += Array(try Data(contentsOf: url))
            }
        }
        return out
    }

    deinit {
        try? ledger?.close()
        try? FileManager.default.removeItem(at: root)
    }
}

/// Numbered reports and files, each different and recomputable from its number: what the
/// backup, restore and purge tests (in CasefileTests and GatewayTests) fill a ledger with.
public enum Samples {
    public static func draft(_ n: Int) -> ReportDraft {
        ReportDraft(category: "private_contracting", narrative: "报告 \(n)", when: "2026年", whereText: "城东",
                    people: "", accused: [AccusedPerson(name: "某某\(n)", post: "施工队长")], estimatedLoss: "1000")
    }

    public static func fileBytes(_ n: Int) -> [UInt8] {
        (0..<(40_000 + n * 7)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ n) }
    }
}

extension Array where Element == UInt8 {
    public func contains(bytes needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, needle.count <= count else { return false }
        let first = needle[0]
        var i = 0
        while i <= count - needle.count {
            if self[i] == first && Array(self[i..<i + needle.count]) == needle { return true }
            i += 1
        }
        return false
    }
}
