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

    public init(settings: Settings = .default, clock: (@Sendable () -> Int64)? = nil) throws {
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

    @discardableResult
    public func account(_ login: String, _ name: String, _ role: Role, seat: Seat? = nil, employeeID: String? = nil) throws -> Account {
        try ledger.createAccount(login: login, displayName: name, employeeID: employeeID, role: role, seat: seat,
                                 password: World.password, actor: "test")
    }

    /// The demo roster: a head, two inspectors, both seats, an admin and an auditor.
    public func standardRoster() throws {
        try account("head", "王建国", .head, employeeID: "E1001")
        try account("inspector1", "李娜", .inspector, employeeID: "E1002")
        try account("inspector2", "张伟", .inspector, employeeID: "E1003")
        try account("chairman", "赵敏", .approver, seat: .chairman)
        try account("secretary", "钱伟", .approver, seat: .partySecretary)
        try account("admin", "系统管理员", .admin)
        try account("auditor", "审计员", .auditor)
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
