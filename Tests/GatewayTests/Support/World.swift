import Casework
import Foundation
import Vault
@testable import Gateway

/// A throwaway installation: a key folder, a data folder and a roster, in a temporary directory.
/// scrypt for passwords runs at a lower cost than in production (still real scrypt) so that the
/// suite stays fast.
final class World {
    let root: URL
    let keys: KeyFolder
    let recoveryKey: X25519PrivateKey
    var ledger: Ledger!
    var settings: Settings
    static let password = "correct horse battery staple"
    static let fastParameters = try! ScryptParameters(logN: 10, r: 8, p: 1)

    init(settings: Settings = .default, clock: (@Sendable () -> Int64)? = nil) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("candor-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        (keys, recoveryKey) = try KeyFolder.create(at: root.appendingPathComponent("Keys"))
        self.settings = settings
        try reopen(clock: clock)
    }

    func reopen(clock: (@Sendable () -> Int64)? = nil) throws {
        try ledger?.close()
        if let clock {
            ledger = try Ledger(dataFolder: dataFolder, keys: keys, settings: settings, passwordParameters: World.fastParameters, clock: clock)
        } else {
            ledger = try Ledger(dataFolder: dataFolder, keys: keys, settings: settings, passwordParameters: World.fastParameters)
        }
    }

    var dataFolder: URL { root.appendingPathComponent("data") }

    @discardableResult
    func account(_ login: String, _ name: String, _ role: Role, seat: Seat? = nil, employeeID: String? = nil) throws -> Account {
        try ledger.createAccount(login: login, displayName: name, employeeID: employeeID, role: role, seat: seat,
                                 password: World.password, actor: "test")
    }

    /// The demo roster: a head, two inspectors, both seats, an admin and an auditor.
    func standardRoster() throws {
        try account("head", "王建国", .head, employeeID: "E1001")
        try account("inspector1", "李娜", .inspector, employeeID: "E1002")
        try account("inspector2", "张伟", .inspector, employeeID: "E1003")
        try account("chairman", "赵敏", .approver, seat: .chairman)
        try account("secretary", "钱伟", .approver, seat: .partySecretary)
        try account("admin", "系统管理员", .admin)
        try account("auditor", "审计员", .auditor)
    }

    func submit(_ draft: ReportDraft, files: [(name: String, type: String, bytes: [UInt8])] = []) throws -> Receipt {
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
    func allStoredBytes() throws -> [UInt8] {
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

extension Array where Element == UInt8 {
    func contains(bytes needle: [UInt8]) -> Bool {
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
