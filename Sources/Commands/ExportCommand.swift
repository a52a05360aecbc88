import Casefile
import Foundation
import Glibc
import Vault

/// Issue 17: `candor keys` (the department's signing key) and `candor export` (a case sealed to a
/// recipient, checked and opened anywhere; docs/export-format.md).
extension CandorCLI {
    static func keysCommand(_ args: Arguments) throws -> Int32 {
        try args.rejectUnknown(commonOptions)
        let keys = try KeyFolder(url: folders(args).keys)
        switch args.positional.first {
        case "signing-init":
            let key = try keys.createSigningKey()
            Terminal.say("Made the department's signing key in \(keys.url.path) (signing.key, signing.pub). Its public half, for every body that will receive an export (hand it over on paper or in person, not with the export):\n\n\(PublicKeyText.encode(key.rawRepresentation))")
            return 0
        case "signing-public":
            Terminal.say(hex(try keys.signingPublicKey().rawRepresentation))
            return 0
        case "signing-rotate":
            // Audited through the ledger, which must open with this key folder (its fingerprint).
            let ledger = try openLedger(args)
            defer { try? ledger.close() }
            let (old, new) = try keys.rotateSigningKey()
            try ledger.recordSystemEvent(action: "signing_key_rotated",
                                         detail: "old=\(hex(old.rawRepresentation).prefix(16)) new=\(hex(new.rawRepresentation).prefix(16))")
            Terminal.say("The department's signing key is replaced; the old public half is kept beside it as signing.pub.retired-N (exports signed before still verify with it). Hand the new public half to every body that receives exports, on paper or in person:\n\n\(PublicKeyText.encode(new.rawRepresentation))")
            return 0
        default:
            throw Arguments.Invalid(description: "usage: candor keys signing-init | candor keys signing-public | candor keys signing-rotate")
        }
    }

    static func exportCommand(_ args: Arguments) throws -> Int32 {
        switch args.positional.first {
        case "verify": return try exportVerify(args)
        case "open": return try exportOpen(args)
        case "keygen": return try exportKeygen(args)
        default: return try exportCase(args)
        }
    }

    static func exportCase(_ args: Arguments) throws -> Int32 {
        try args.rejectUnknown(commonOptions.union(["to", "out", "recovery-key", "with-identity"]))
        guard args.positional.count == 1, let to = args.value("to"), let out = args.value("out"), let keyFile = args.value("recovery-key") else {
            throw Arguments.Invalid(description: "usage: candor export CASE --to RECIPIENT.pub --out FILE --recovery-key FILE [--with-identity]")
        }
        let recipient = try X25519PublicKey(rawRepresentation: try readPublicKey(to, what: "--to"))
        guard let data = FileManager.default.contents(atPath: keyFile) else {
            throw Arguments.Invalid(description: "cannot read --recovery-key \(keyFile)")
        }
        let recovery = try RecoveryPrivateKey(RecoveryKeyFile.decode(String(decoding: data, as: UTF8.self)))
        guard !FileManager.default.fileExists(atPath: out) else { throw Arguments.Invalid(description: "\(out) exists: an export never overwrites a file") }
        let ledger = try openLedger(args)
        defer { try? ledger.close() }
        let export = try ledger.exportCase(ref: args.positional[0], recoveryKey: recovery, to: recipient, withIdentity: args.flag("with-identity"))
        try PrivateFiles.write(export.bytes, to: URL(fileURLWithPath: out))
        Terminal.say("""
            \(export.registerNumber): exported to \(out) (\(export.bytes.count) bytes, \(export.files) files, identity \(export.identityIncluded ? "INCLUDED" : "not included")).
            SHA-256 \(hex(export.sha256))
            Signed with the department key \(hex(try KeyFolder(url: folders(args).keys).signingPublicKey().rawRepresentation)); the recipient checks it with `candor export verify \(out) --signer DEPT.pub`.
            """)
        return 0
    }

    static func exportVerify(_ args: Arguments) throws -> Int32 {
        try args.rejectUnknown(["signer"])
        guard args.positional.count == 2, let signerFile = args.value("signer") else {
            throw Arguments.Invalid(description: "usage: candor export verify FILE --signer DEPT.pub")
        }
        let signer = try Ed25519PublicKey(rawRepresentation: try readPublicKey(signerFile, what: "--signer"))
        guard let data = FileManager.default.contents(atPath: args.positional[1]) else {
            throw Arguments.Invalid(description: "cannot read \(args.positional[1])")
        }
        switch ExportFile.verify(Array(data), signer: signer) {
        case .success(let verified):
            Terminal.say("""
                OK: signed by \(verified.manifest.signer), sealed for \(verified.manifest.recipient), made \(verified.manifest.createdAt).
                \(verified.manifest.parts.count) parts, each SHA-256 as signed. File SHA-256 \(hex(verified.sha256))
                """)
            return 0
        case .failure(let failure):
            Terminal.say("FAILED at \(failure)")
            return 1
        }
    }

    static func exportOpen(_ args: Arguments) throws -> Int32 {
        try args.rejectUnknown(["key", "out", "signer"])
        guard args.positional.count == 2, let keyFile = args.value("key"), let out = args.value("out") else {
            throw Arguments.Invalid(description: "usage: candor export open FILE --key RECIPIENT.key --out DIR [--signer DEPT.pub]")
        }
        guard let data = FileManager.default.contents(atPath: args.positional[1]), let keyText = FileManager.default.contents(atPath: keyFile) else {
            throw Arguments.Invalid(description: "cannot read \(args.positional[1]) or \(keyFile)")
        }
        let key = try RecipientKeyFile.decode(String(decoding: keyText, as: UTF8.self))
        let signer = try args.value("signer").map { try Ed25519PublicKey(rawRepresentation: try readPublicKey($0, what: "--signer")) }
        let folder = URL(fileURLWithPath: out)
        if let existing = try? FileManager.default.contentsOfDirectory(atPath: out), !existing.isEmpty {
            throw Arguments.Invalid(description: "\(out) is not empty: open into a new folder")
        }
        let opened: (verified: ExportFile.Verified, parts: [(name: String, bytes: [UInt8])])
        do { opened = try ExportFile.open(Array(data), key: key, signer: signer) } catch let failure as ExportFile.Failure {
            Terminal.say("FAILED at \(failure)")
            return 1
        }
        try writeOpened(opened.parts, verified: opened.verified, to: folder)
        Terminal.say("Opened into \(out): index.html, contents.json and files/. Signed by \(opened.verified.manifest.signer)"
            + (signer == nil ? " — compare it with the department's public key you were given (or pass --signer)." : " (the key given)."))
        return 0
    }

    static func writeOpened(_ parts: [(name: String, bytes: [UInt8])], verified: ExportFile.Verified, to folder: URL) throws {
        guard let contentsPart = parts.first(where: { $0.name == "contents" }) else { throw Ledger.Problem(description: "the export has no contents part") }
        let contents = try ExportContents.decode(contentsPart.bytes)
        try PrivateFiles.createFolder(folder.appendingPathComponent("files"))
        var names: [String: String] = [:]
        for file in contents.files {
            guard let part = parts.first(where: { $0.name == file.part }) else { continue }
            // The sender's name, made safe for a path: no folder, no leading dot.
            let safe = file.name.map { "/\\\u{0}".contains($0) ? "_" : $0 }.drop { $0 == "." }
            let local = "\(file.part)-\(String(safe).isEmpty ? "file" : String(safe))"
            names[file.part] = local
            try PrivateFiles.write(part.bytes, to: folder.appendingPathComponent("files").appendingPathComponent(local))
        }
        try PrivateFiles.write(contentsPart.bytes, to: folder.appendingPathComponent("contents.json"))
        let page = contents.indexHTML(signer: verified.manifest.signer, exportSHA256: hex(verified.sha256), fileNames: names)
        try PrivateFiles.write(Array(page.utf8), to: folder.appendingPathComponent("index.html"))
    }

    static func exportKeygen(_ args: Arguments) throws -> Int32 {
        try args.rejectUnknown(["out"])
        guard let name = args.value("out") else { throw Arguments.Invalid(description: "usage: candor export keygen --out NAME  (writes NAME.pub and NAME.key)") }
        let key = try X25519PrivateKey()
        try RecoveryKeyFile.writeNew(RecipientKeyFile.encode(key), to: name + ".key")
        try RecoveryKeyFile.writeNew(PublicKeyText.encode(key.publicKey.rawRepresentation), to: name + ".pub")
        Terminal.say("Wrote \(name).pub (give it to the department that will send you exports) and \(name).key (keep it; it opens them).")
        return 0
    }

    static func readPublicKey(_ path: String, what: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path), let raw = PublicKeyText.decode(String(decoding: data, as: UTF8.self)) else {
            throw Arguments.Invalid(description: "\(what) \(path) is not a public key file (64 hex digits)")
        }
        return raw
    }
}

/// A recipient's X25519 private key as `candor export keygen` writes it (and the Python reader
/// reads it): a header line and 64 hex digits.
enum RecipientKeyFile {
    static let file = PrivateKeyFile(header: "CANDOR EXPORT RECIPIENT PRIVATE KEY v1", kind: "export recipient")
    static func encode(_ key: X25519PrivateKey) -> String { file.encode(key) }
    static func decode(_ text: String) throws -> X25519PrivateKey { try file.decode(text) }
}
