import Foundation
import Glibc
import Vault

/// The key material under `Keys/` (see `Keys/README.md`): the pepper, the audit key and the
/// recovery public key. Read once at start-up; a missing, unreadable or mismatched file stops the
/// server with a message that says which file and what to do.
public final class KeyFolder: Sendable {
    public let url: URL
    /// Mixed into every tracking-code derivation: without it a stolen database cannot be searched.
    let pepper: SecureBytes
    /// Keys the audit chain's MACs: without it an edited log cannot be re-chained.
    let auditKey: SecureBytes
    /// Audit keys retired by `candor audit rotate` (`audit.key.retired-1`, -2 …), oldest first:
    /// `verify` checks the entries before each rotation with them.
    let retiredAuditKeys: [SecureBytes]
    /// Every case key and identity key is also sealed for this; its private half is offline.
    public let recoveryPublicKey: X25519PublicKey

    public static let pepperFile = "pepper"
    static let auditKeyFile = "audit.key"
    static let recoveryPublicFile = "recovery.pub"

    public struct Problem: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// Opens an existing key folder.
    public init(url: URL) throws {
        self.url = url
        pepper = try KeyFolder.readSecret(url, KeyFolder.pepperFile)
        if FileManager.default.fileExists(atPath: url.appendingPathComponent(KeyFolder.auditKeyFile + ".new").path) {
            throw Problem(description: "\(url.appendingPathComponent(KeyFolder.auditKeyFile + ".new").path) exists: a `candor audit rotate` was interrupted. If `candor audit verify` fails with the current audit.key, move audit.key to the next audit.key.retired-N and audit.key.new to audit.key; otherwise delete audit.key.new.")
        }
        auditKey = try KeyFolder.readSecret(url, KeyFolder.auditKeyFile)
        var retired: [SecureBytes] = []
        while FileManager.default.fileExists(atPath: url.appendingPathComponent(KeyFolder.retiredAuditKeyFile(retired.count + 1)).path) {
            retired.append(try KeyFolder.readSecret(url, KeyFolder.retiredAuditKeyFile(retired.count + 1)))
        }
        retiredAuditKeys = retired
        let pub = try KeyFolder.read(url, KeyFolder.recoveryPublicFile)
        guard let raw = KeyFolder.decodeHex(String(decoding: pub, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)),
              let key = try? X25519PublicKey(rawRepresentation: raw) else {
            throw Problem(description: "\(url.appendingPathComponent(KeyFolder.recoveryPublicFile).path) is not a recovery public key (64 hex digits). Restore it from your backup of Keys/.")
        }
        recoveryPublicKey = key
    }

    /// Creates the key folder. Returns the folder and the recovery private key, which the caller
    /// hands to the operator once and never keeps.
    public static func create(at url: URL) throws -> (KeyFolder, X25519PrivateKey) {
        let fm = FileManager.default
        try PrivateFiles.createFolder(url)
        for name in [pepperFile, auditKeyFile, recoveryPublicFile] where fm.fileExists(atPath: url.appendingPathComponent(name).path) {
            throw Problem(description: "\(url.appendingPathComponent(name).path) already exists: this key folder is in use. Refusing to overwrite keys; choose another --keys folder.")
        }
        let recovery = try X25519PrivateKey()
        try writeNew(url, pepperFile, try Random.bytes(32))
        try writeNew(url, auditKeyFile, try Random.bytes(32))
        try writeNew(url, recoveryPublicFile, Array((hex(recovery.publicKey.rawRepresentation) + "\n").utf8))
        let folder = try KeyFolder(url: url)
        _ = try folder.createSigningKey()
        return (folder, recovery)
    }

    /// A value that identifies this key folder without revealing it, stored in the database so
    /// that the server refuses to run a database with another organisation's keys.
    func fingerprint() throws -> String { try fingerprint(recovery: recoveryPublicKey) }

    /// The fingerprint this folder will have once `recovery` replaces its recovery public key.
    func fingerprint(recovery: X25519PublicKey) throws -> String {
        hex(try HMAC.sha256(key: pepper, message: Array("candor/key-folder-check/v1".utf8) + recovery.rawRepresentation))
    }

    /// Writes the new recovery public key beside the old one (`recovery.pub.new`), synced, for
    /// `commitStagedRecoveryPublicKey` to rename over it once the database has changed. A crash
    /// in between leaves the database on the new key and this file to rename by hand: the
    /// server's refusal (fingerprint differs) says to look here.
    func stageRecoveryPublicKey(_ key: X25519PublicKey) throws -> URL {
        let name = KeyFolder.recoveryPublicFile + ".new"
        let staged = url.appendingPathComponent(name)
        try? FileManager.default.removeItem(at: staged)
        try KeyFolder.writeNew(url, name, Array((hex(key.rawRepresentation) + "\n").utf8))
        return staged
    }

    static func retiredAuditKeyFile(_ n: Int) -> String { "\(auditKeyFile).retired-\(n)" }

    /// Writes a new audit key beside the current one (`audit.key.new`), for `commitStagedAuditKey`.
    func stageAuditKey(_ key: SecureBytes) throws -> URL {
        let name = KeyFolder.auditKeyFile + ".new"
        try? FileManager.default.removeItem(at: url.appendingPathComponent(name))
        var bytes = key.unsafeCopyToArray()
        defer { wipe(&bytes) }
        try KeyFolder.writeNew(url, name, bytes)
        return url.appendingPathComponent(name)
    }

    /// The current audit key becomes the next `audit.key.retired-N`, the staged one `audit.key`.
    func commitStagedAuditKey(_ staged: URL) throws {
        let current = url.appendingPathComponent(KeyFolder.auditKeyFile)
        let retired = url.appendingPathComponent(KeyFolder.retiredAuditKeyFile(retiredAuditKeys.count + 1))
        guard link(current.path, retired.path) == 0, rename(staged.path, current.path) == 0 else {
            throw Problem(description: "the database now uses the new audit key, but \(staged.path) could not be moved into place (\(String(cString: strerror(errno)))): move \(current.path) to \(retired.path) and \(staged.path) to \(current.path) by hand")
        }
    }

    func commitStagedRecoveryPublicKey(_ staged: URL) throws {
        let target = url.appendingPathComponent(KeyFolder.recoveryPublicFile)
        guard rename(staged.path, target.path) == 0 else {
            throw Problem(description: "the database now uses the new recovery key, but \(staged.path) could not be renamed to \(target.path) (\(String(cString: strerror(errno)))): rename it by hand before starting the server")
        }
    }

    private static func read(_ url: URL, _ name: String) throws -> [UInt8] {
        let path = url.appendingPathComponent(name).path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Problem(description: "\(path) is missing or unreadable. Point --keys at the folder `candor init` created, or run `candor init` for a new installation.")
        }
        return Array(data)
    }

    static func readSecret(_ url: URL, _ name: String) throws -> SecureBytes {
        let path = url.appendingPathComponent(name).path
        var st = stat()
        if stat(path, &st) == 0, st.st_mode & 0o077 != 0 {
            throw Problem(description: "\(path) can be read by other users (mode \(String(st.st_mode & 0o777, radix: 8))). Run: chmod 600 \(path)")
        }
        var bytes = try read(url, name)
        defer { wipe(&bytes) }
        guard bytes.count == 32 else {
            throw Problem(description: "\(path) should hold 32 bytes and holds \(bytes.count). Restore it from your backup of Keys/.")
        }
        return SecureBytes(bytes)
    }

    static func writeNew(_ url: URL, _ name: String, _ bytes: [UInt8]) throws {
        let path = url.appendingPathComponent(name).path
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Problem(description: "cannot create \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count, fsync(fd) == 0 else {
            throw Problem(description: "cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }
}

public func hex(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out = [UInt8]()
    out.reserveCapacity(bytes.count * 2)
    for b in bytes {
        out.append(digits[Int(b >> 4)])
        out.append(digits[Int(b & 0x0F)])
    }
    return String(decoding: out, as: UTF8.self)
}

extension KeyFolder {
    public static func decodeHex(_ text: String) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count % 2 == 0 else { return nil }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case 0x30...0x39: return c - 0x30
            case 0x61...0x66: return c - 0x61 + 10
            case 0x41...0x46: return c - 0x41 + 10
            default: return nil
            }
        }
        var out = [UInt8]()
        out.reserveCapacity(chars.count / 2)
        var i = 0
        while i < chars.count {
            guard let hi = nibble(chars[i]), let lo = nibble(chars[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }
}

/// Overwrites a byte array; `explicit_bzero` is a store the optimiser may not remove.
func wipe(_ bytes: inout [UInt8]) {
    bytes.withUnsafeMutableBytes { buffer in
        if let base = buffer.baseAddress { explicit_bzero(base, buffer.count) }
    }
    bytes.removeAll()
}
