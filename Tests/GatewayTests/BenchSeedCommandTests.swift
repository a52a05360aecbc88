@testable import Casefile
import Casework
@testable import Commands
import Foundation
import TestSupport
import XCTest

final class BenchSeedCommandTests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("bench-seed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
    }

    override func tearDownWithError() throws { try FileManager.default.removeItem(at: root) }

    func counts(_ ledger: Ledger) throws -> (cases: Int, files: Int, internalByHead: Int, onOpenCases: Int) {
        try ledger.pool.read { db in
            let open = "'submitted', 'registered', 'awaiting_approval', 'investigating', 'suspended', 'reported'"
            return (try db.scalar("SELECT count(*) FROM cases", as: Int.self) ?? -1,
                    try db.scalar("SELECT count(*) FROM attachments", as: Int.self) ?? -1,
                    try db.scalar("""
                        SELECT count(*) FROM attachments a JOIN accounts s ON a.author = 'staff:' || s.id
                        WHERE a.internal = 1 AND s.login = 'head'
                        """, as: Int.self) ?? -1,
                    try db.scalar("SELECT count(*) FROM attachments a JOIN cases c ON c.id = a.case_id WHERE c.state IN (\(open))", as: Int.self) ?? -1)
        }
    }

    /// --files-mib adds the head's evidence through the real upload path, on a new installation
    /// after its cases and on an existing one without adding cases; every file opens with the
    /// case's key and holds the plaintext size its sealed metadata says.
    func testFilesMiBAddsTheHeadsSealedEvidenceToOpenCases() throws {
        let common = ["--data", root.appendingPathComponent("data").path, "--keys", root.appendingPathComponent("keys").path]
        XCTAssertEqual(CandorCLI.main(["bench-seed", "--cases", "16", "--days", "16", "--files-mib", "2"] + common), 0)
        let perRun = CandorCLI.evidenceSizes(2 << 20)
        XCTAssertEqual(perRun.reduce(0, +), 2 << 20)
        XCTAssertEqual(CandorCLI.main(["bench-seed", "--files-mib", "2"] + common), 0)

        let keys = try KeyFolder(url: root.appendingPathComponent("keys"))
        let ledger = try Ledger(dataFolder: root.appendingPathComponent("data"), keys: keys,
                                settings: try CandorCLI.loadSettings(root.appendingPathComponent("data/settings.json")))
        defer { try? ledger.close() }
        let (cases, files, byHead, onOpen) = try counts(ledger)
        XCTAssertEqual(cases, 16, "the second run adds no case")
        XCTAssertEqual(files, 2 * perRun.count)
        XCTAssertEqual(byHead, files, "internal evidence, added by the head")
        XCTAssertEqual(onOpen, files, "a closed case takes no evidence")

        let demo = try JSONDecoder().decode([DemoOrganisation.Entry].self,
                                            from: try Data(contentsOf: root.appendingPathComponent("data/demo-accounts.json")))
        let entry = try XCTUnwrap(demo.first { $0.login == "head" })
        let head = try XCTUnwrap(try ledger.account(login: "head"))
        let key = try XCTUnwrap(try ledger.unlockKey(accountID: head.id, password: entry.password))
        var sizes: [Int64] = []
        for entry in try ledger.inbox(accountID: head.id) {
            guard case .granted(let c) = try ledger.staffCase(ref: entry.ref, accountID: head.id, key: key, action: .view) else { continue }
            for file in try ledger.attachments(c) {
                var size: Int64 = 0
                try ledger.readAttachment(c, file: file.file) { size += Int64($0.count) }
                XCTAssertEqual(size, file.meta.size)
                sizes.append(size)
            }
        }
        XCTAssertEqual(sizes.sorted(), (perRun + perRun).map(Int64.init).sorted())
    }
}
