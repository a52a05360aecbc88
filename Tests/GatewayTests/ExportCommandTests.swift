@testable import Casefile
import Casework
@testable import Commands
import Foundation
import Vault
import XCTest

/// `candor keys` and `candor export`: an installation makes its signing key at init; a case leaves
/// as one file that verifies on a machine holding nothing but the department's public key, opens
/// only with the recipient's key, and is read the same by an independent implementation
/// (scripts/export_verify.py, Python `cryptography`).
final class ExportCommandTests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("export-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try Data("correct horse battery staple\n".utf8).write(to: path("pw"))
    }

    override func tearDownWithError() throws { try FileManager.default.removeItem(at: root) }

    func path(_ name: String) -> URL { root.appendingPathComponent(name) }
    var common: [String] { ["--data", path("data").path, "--keys", path("keys").path] }

    /// An installation (init made the signing key) with a head holding one report and its file.
    func installation() throws -> String {
        XCTAssertEqual(CandorCLI.main(["init", "--admin", "root", "--password-file", path("pw").path,
                                       "--recovery-key-out", path("recovery.key").path] + common), 0)
        XCTAssertEqual(CandorCLI.main(["user", "add", "head", "--name", "王建国", "--role", "head", "--password-file", path("pw").path] + common), 0)
        let l = try Ledger(dataFolder: path("data"), keys: try KeyFolder(url: path("keys")), settings: .default)
        defer { try? l.close() }
        let staging = try l.beginIntake()
        let writer = try staging.beginFile(in: l.files)
        try writer.write(Array("CLI-EXPORT-FILE".utf8))
        try staging.finishFile(writer, meta: AttachmentMeta(fileName: "../证据.txt", contentType: "text/plain", size: 15, metadataStripped: false))
        return try l.submit(ReportDraft(category: "bribery", narrative: "CLI-EXPORT-NARRATIVE", accused: [AccusedPerson(name: "外部人员", post: "包工头")]),
                            staging: staging).caseRef
    }

    /// The export made, then everything of the server deleted: what is left is what a recipient has.
    func exportAndLeave() throws -> (file: URL, signer: URL) {
        let ref = try installation()
        XCTAssertEqual(CandorCLI.main(["export", "keygen", "--out", path("body").path]), 0)
        XCTAssertEqual(CandorCLI.main(["export", ref, "--to", path("body.pub").path, "--out", path("case.cexp").path,
                                       "--recovery-key", path("recovery.key").path] + common), 0)
        XCTAssertEqual(CandorCLI.main(["export", ref, "--to", path("body.pub").path, "--out", path("case.cexp").path,
                                       "--recovery-key", path("recovery.key").path] + common), 1, "an export never overwrites")
        let elsewhere = path("elsewhere")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: path("keys/signing.pub"), to: elsewhere.appendingPathComponent("dept.pub"))
        try FileManager.default.moveItem(at: path("case.cexp"), to: elsewhere.appendingPathComponent("case.cexp"))
        for gone in ["data", "keys", "recovery.key"] { try FileManager.default.removeItem(at: path(gone)) }
        return (elsewhere.appendingPathComponent("case.cexp"), elsewhere.appendingPathComponent("dept.pub"))
    }

    func testInitMakesTheSigningKeyAndSigningInitMakesOneForAnOldInstallation() throws {
        _ = try installation()
        let pub = try KeyFolder(url: path("keys")).signingPublicKey()
        XCTAssertEqual(CandorCLI.main(["keys", "signing-public"] + common), 0)
        XCTAssertEqual(CandorCLI.main(["keys", "signing-init"] + common), 1, "a key in use is never replaced")
        XCTAssertEqual(try KeyFolder(url: path("keys")).signingPublicKey(), pub)
        // An installation from before issue 17: no signing key, and the command that makes one.
        for name in ["signing.key", "signing.pub"] { try FileManager.default.removeItem(at: path("keys/\(name)")) }
        XCTAssertEqual(CandorCLI.main(["keys", "signing-public"] + common), 1)
        XCTAssertEqual(CandorCLI.main(["keys", "signing-init"] + common), 0)
        XCTAssertNotEqual(try KeyFolder(url: path("keys")).signingPublicKey(), pub)
        XCTAssertNoThrow(try KeyFolder(url: path("keys")).signingKey())
    }

    /// Issue 18: the signing key rotates; an export signed before verifies with the retired public
    /// half, one signed after with the new one, and not the other way round; audited.
    func testTheSigningKeyRotatesAndOldExportsStillVerifyWithTheRetiredHalf() throws {
        let ref = try installation()
        XCTAssertEqual(CandorCLI.main(["export", "keygen", "--out", path("body").path]), 0)
        let export = ["--to", path("body.pub").path, "--recovery-key", path("recovery.key").path] + common
        XCTAssertEqual(CandorCLI.main(["export", ref, "--out", path("before.cexp").path] + export), 0)
        let old = try KeyFolder(url: path("keys")).signingPublicKey()
        XCTAssertEqual(CandorCLI.main(["keys", "signing-rotate"] + common), 0)
        let keys = try KeyFolder(url: path("keys"))
        XCTAssertNotEqual(try keys.signingPublicKey(), old)
        XCTAssertNoThrow(try keys.signingKey(), "the new pair is whole")
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("keys/signing.key.new").path))
        XCTAssertEqual(CandorCLI.main(["export", ref, "--out", path("after.cexp").path] + export), 0)
        let retired = path("keys/signing.pub.retired-1").path, current = path("keys/signing.pub").path
        XCTAssertEqual(CandorCLI.main(["export", "verify", path("before.cexp").path, "--signer", retired]), 0)
        XCTAssertEqual(CandorCLI.main(["export", "verify", path("after.cexp").path, "--signer", current]), 0)
        XCTAssertEqual(CandorCLI.main(["export", "verify", path("after.cexp").path, "--signer", retired]), 1, "the old key signs nothing new")
        XCTAssertEqual(CandorCLI.main(["export", "verify", path("before.cexp").path, "--signer", current]), 1)
        let l = try Ledger(dataFolder: path("data"), keys: keys, settings: .default)
        defer { try? l.close() }
        XCTAssertEqual(try l.auditEntries(limit: 50).filter { $0.action == "signing_key_rotated" }.count, 1)
        guard case .success = try l.verifyAudit() else { return XCTFail("the audit chain holds") }
    }

    func testAnExportVerifiesWithOnlyThePublicKeyAndOpensWithOnlyTheRecipientsKey() throws {
        let (file, signer) = try exportAndLeave()
        XCTAssertEqual(CandorCLI.main(["export", "verify", file.path, "--signer", signer.path]), 0)
        XCTAssertEqual(CandorCLI.main(["export", "open", file.path, "--key", path("body.key").path, "--out", path("opened").path,
                                       "--signer", signer.path]), 0)
        let index = try String(contentsOf: path("opened/index.html"), encoding: .utf8)
        XCTAssertTrue(index.contains("CLI-EXPORT-NARRATIVE"))
        XCTAssertFalse(index.contains("<script"))
        let files = try FileManager.default.contentsOfDirectory(atPath: path("opened/files").path)
        XCTAssertEqual(files, ["file-001-_证据.txt"], "the sender's name cannot leave the folder")
        XCTAssertEqual(try Data(contentsOf: path("opened/files").appendingPathComponent(files[0])), Data("CLI-EXPORT-FILE".utf8))

        XCTAssertEqual(CandorCLI.main(["export", "keygen", "--out", path("stranger").path]), 0)
        XCTAssertEqual(CandorCLI.main(["export", "open", file.path, "--key", path("stranger.key").path, "--out", path("nope").path]), 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("nope/index.html").path))
        XCTAssertEqual(CandorCLI.main(["export", "verify", file.path, "--signer", path("stranger.pub").path]), 1,
                       "an X25519 key file is no department key either")
    }

    func testAChangedByteFailsVerify() throws {
        let (file, signer) = try exportAndLeave()
        var bytes = Array(try Data(contentsOf: file))
        bytes[bytes.count - 200] ^= 0x10
        try Data(bytes).write(to: file)
        XCTAssertEqual(CandorCLI.main(["export", "verify", file.path, "--signer", signer.path]), 1)
        XCTAssertEqual(CandorCLI.main(["export", "open", file.path, "--key", path("body.key").path, "--out", path("opened").path]), 1)
    }

    // MARK: - the independent implementation

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func python(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let venv = Self.packageRoot.appendingPathComponent(".build/export-venv/bin/python")
        guard FileManager.default.isExecutableFile(atPath: venv.path) else {
            throw XCTSkip("no .build/export-venv: `make test` builds it (scripts/export-venv.sh)")
        }
        let process = Process()
        process.executableURL = venv
        process.arguments = [Self.packageRoot.appendingPathComponent("scripts/export_verify.py").path] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }

    func testPythonVerifiesAndOpensWhatCandorMadeAndFindsAChangedByte() throws {
        let (file, signer) = try exportAndLeave()
        let verified = try python(["verify", file.path, "--signer", signer.path])
        XCTAssertEqual(verified.status, 0, verified.output)
        let opened = try python(["open", file.path, "--key", path("body.key").path, "--out", path("py").path, "--signer", signer.path])
        XCTAssertEqual(opened.status, 0, opened.output)
        let contents = try ExportContents.decode(Array(try Data(contentsOf: path("py/contents.json"))))
        XCTAssertTrue(contents.pieces.contains { $0.kind == "report" && $0.text.contains("CLI-EXPORT-NARRATIVE") })
        XCTAssertEqual(try Data(contentsOf: path("py/files/file-001-_证据.txt")), Data("CLI-EXPORT-FILE".utf8))

        var bytes = Array(try Data(contentsOf: file))
        bytes[bytes.count - 96 - 10] ^= 0x10  // inside the last part (the file), before the 96-byte trailer
        try Data(bytes).write(to: file)
        let failed = try python(["verify", file.path, "--signer", signer.path])
        XCTAssertEqual(failed.status, 1)
        XCTAssertTrue(failed.output.contains("FAILED at part 1 (file-001)"), failed.output)
    }
}
