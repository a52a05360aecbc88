import Foundation
import Glibc
import Vault

/// The department's Ed25519 signing key (issue 17), beside the other keys in `Keys/`:
/// `signing.key` (the 32-byte seed, 0600) and `signing.pub` (its public half, 64 hex digits and a
/// newline). Exports are signed with it; a receiving body checks them with the public half, which
/// the department hands over once, on paper or in person. Read when needed, not at start-up, so
/// that an installation from before issue 17 runs until it makes one (`candor keys signing-init`).
extension KeyFolder {
    static let signingKeyFile = "signing.key"
    static let signingPublicFile = "signing.pub"

    /// Makes the signing key pair; refuses when either file exists (a key in use is never replaced).
    public func createSigningKey() throws -> Ed25519PublicKey {
        for name in [Self.signingKeyFile, Self.signingPublicFile]
        where FileManager.default.fileExists(atPath: url.appendingPathComponent(name).path) {
            throw Problem(description: "\(url.appendingPathComponent(name).path) already exists: this installation has a signing key. Refusing to replace it; `candor keys signing-public` prints its public half.")
        }
        let key = try Ed25519PrivateKey()
        var seed = try key.rawRepresentation.unsafeCopyToArray()
        defer { wipe(&seed) }
        try Self.writeNew(url, Self.signingKeyFile, seed)
        try Self.writeNew(url, Self.signingPublicFile, Array(PublicKeyText.encode(key.publicKey.rawRepresentation).utf8))
        return key.publicKey
    }

    /// The signing key; checked against `signing.pub` so that a swapped half is found, not used.
    public func signingKey() throws -> Ed25519PrivateKey {
        guard FileManager.default.fileExists(atPath: url.appendingPathComponent(Self.signingKeyFile).path) else {
            throw Problem(description: "\(url.appendingPathComponent(Self.signingKeyFile).path) is missing: this installation has no signing key yet. Run `candor keys signing-init`.")
        }
        let key = try Ed25519PrivateKey(rawRepresentation: try Self.readSecret(url, Self.signingKeyFile))
        guard key.publicKey == (try signingPublicKey()) else {
            throw Problem(description: "\(url.appendingPathComponent(Self.signingPublicFile).path) is not the public half of signing.key. Restore both from your backup of Keys/.")
        }
        return key
    }

    /// Issue 18: replaces the signing key with a new one. The old public half is kept as
    /// `signing.pub.retired-N` (exports signed before still verify with it, and a receiving body
    /// may ask for it again); the old private half is deleted, so nothing new can be signed with
    /// it. The new pair is written under temporary names first and moved into place, so a crash
    /// leaves either the old pair or the new one. Returns the old and the new public halves.
    public func rotateSigningKey() throws -> (old: Ed25519PublicKey, new: Ed25519PublicKey) {
        let old = try signingKey().publicKey
        var n = 1
        while FileManager.default.fileExists(atPath: url.appendingPathComponent("\(Self.signingPublicFile).retired-\(n)").path) { n += 1 }
        let key = try Ed25519PrivateKey()
        var seed = try key.rawRepresentation.unsafeCopyToArray()
        defer { wipe(&seed) }
        for name in [Self.signingKeyFile + ".new", Self.signingPublicFile + ".new"] { unlink(url.appendingPathComponent(name).path) }
        try Self.writeNew(url, Self.signingKeyFile + ".new", seed)
        try Self.writeNew(url, Self.signingPublicFile + ".new", Array(PublicKeyText.encode(key.publicKey.rawRepresentation).utf8))
        func move(_ from: String, _ to: String) throws {
            guard rename(url.appendingPathComponent(from).path, url.appendingPathComponent(to).path) == 0 else {
                throw Problem(description: "cannot move \(from) to \(to) in \(url.path): \(String(cString: strerror(errno)))")
            }
        }
        try move(Self.signingPublicFile, "\(Self.signingPublicFile).retired-\(n)")
        try move(Self.signingKeyFile + ".new", Self.signingKeyFile)
        try move(Self.signingPublicFile + ".new", Self.signingPublicFile)
        return (old, key.publicKey)
    }

    /// The public half, as `signing.pub` holds it.
    public func signingPublicKey() throws -> Ed25519PublicKey {
        let path = url.appendingPathComponent(Self.signingPublicFile).path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Problem(description: "\(path) is missing: run `candor keys signing-init`.")
        }
        guard let raw = PublicKeyText.decode(String(decoding: data, as: UTF8.self)), let key = try? Ed25519PublicKey(rawRepresentation: raw) else {
            throw Problem(description: "\(path) is not an Ed25519 public key (64 hex digits).")
        }
        return key
    }
}

/// A public key as a file holds it: 64 hex digits and a newline (blank lines and `#` comments
/// around it are ignored). The same for the department's signing key and a recipient's X25519 key.
public enum PublicKeyText {
    public static func encode(_ raw: [UInt8]) -> String { hex(raw) + "\n" }

    public static func decode(_ text: String) -> [UInt8]? {
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
        guard lines.count == 1, let raw = KeyFolder.decodeHex(lines[0]), raw.count == 32 else { return nil }
        return raw
    }
}
