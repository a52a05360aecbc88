import Foundation
import Vault

/// The sealed, signed export file (docs/export-format.md is the specification; keep the two in
/// step). One file, four regions:
///
///     preamble   "CANDOR-EXPORT-1\n" (16 bytes) ‖ manifest length (u32, big-endian)
///     manifest   JSON: export id, signer, recipient, the content key sealed to the recipient,
///                and each part's name, length and SHA-256 of its ciphertext
///     parts      each part's AES-256-GCM ciphertext, in manifest order
///     trailer    SHA-256(manifest) (32) ‖ Ed25519 signature (64) over
///                "candor/export/v1/signature" ‖ preamble ‖ SHA-256(manifest)
///
/// Anyone with the signer's public key checks everything (`verify`); only the recipient's private
/// key opens the parts (`open`).
public enum ExportFile {
    static let magic = Array("CANDOR-EXPORT-1\n".utf8)
    static let preambleCount = 20
    static let trailerCount = SHA256.digestCount + Ed25519PublicKey.signatureCount
    static let signatureLabel = Array("candor/export/v1/signature".utf8)
    static let format = "candor-export"

    /// The manifest as it is signed: every field is in the clear and names nothing of the case.
    public struct Manifest: Codable, Sendable, Equatable {
        public struct Part: Codable, Sendable, Equatable {
            public let name: String
            public let length: Int
            public let sha256: String
        }
        public let format: String
        public let version: Int
        public let exportID: String
        public let createdAt: String
        public let signer: String
        public let recipient: String
        public let contentKeyBox: String
        public let parts: [Part]

        enum CodingKeys: String, CodingKey {
            case format, version, parts, signer, recipient
            case exportID = "export_id", createdAt = "created_at", contentKeyBox = "content_key_box"
        }
    }

    /// Which region of the file failed, and why: what `candor export verify` prints.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// "preamble", "manifest", "part N (name)", "parts", "trailer" or "signature".
        public let region: String
        public let reason: String
        public var description: String { "\(region): \(reason)" }
    }

    /// A file whose signature and every hash hold: its manifest, and where each part's bytes are.
    public struct Verified: Sendable {
        public let manifest: Manifest
        public let sha256: [UInt8]
        let partRanges: [Range<Int>]
    }

    static func partAD(exportID: String, name: String) -> [UInt8] { Array("candor/export/v1|\(exportID)|\(name)".utf8) }
    static func boxContext(exportID: String) -> [UInt8] { Array("candor/export/v1|\(exportID)".utf8) }

    /// Seals `parts` (name, plaintext) for `recipient` and signs the result with `signer`.
    public static func build(parts: [(name: String, bytes: [UInt8])], signer: Ed25519PrivateKey,
                             recipient: X25519PublicKey, createdAt: Date = Date()) throws -> [UInt8] {
        let exportID = hex(try Random.bytes(16))
        let contentKey = try SecureBytes.random(count: AESGCM.keyCount)
        let box = try SealedBox.seal(contentKey, to: recipient, context: boxContext(exportID: exportID))
        let sealed = try parts.map { try AESGCM.seal($0.bytes, key: contentKey, associatedData: partAD(exportID: exportID, name: $0.name)) }
        let manifest = Manifest(format: format, version: 1, exportID: exportID, createdAt: iso8601(createdAt),
                                signer: hex(signer.publicKey.rawRepresentation), recipient: hex(recipient.rawRepresentation),
                                contentKeyBox: hex(box),
                                parts: try zip(parts, sealed).map { Manifest.Part(name: $0.name, length: $1.count, sha256: hex(try SHA256.hash($1))) })
        let manifestBytes = try JSONBytes.encode(manifest)
        let preamble = magic + withUnsafeBytes(of: UInt32(manifestBytes.count).bigEndian, Array.init)
        let digest = try SHA256.hash(manifestBytes)
        let signature = try signer.signature(for: signatureLabel + preamble + digest)
        return preamble + manifestBytes + sealed.flatMap { $0 } + digest + signature
    }

    /// Checks the signature with `signer` and every part's hash, without any private key; names
    /// the first region that fails.
    public static func verify(_ file: [UInt8], signer: Ed25519PublicKey) -> Result<Verified, Failure> {
        guard file.count >= preambleCount + trailerCount else {
            return .failure(Failure(region: "preamble", reason: "\(file.count) bytes is too short for a Candor export"))
        }
        guard Array(file[0..<magic.count]) == magic else {
            return .failure(Failure(region: "preamble", reason: "bytes 0–15 are not \"CANDOR-EXPORT-1\\n\": not a Candor export, or changed"))
        }
        let length = file[16..<20].reduce(0) { $0 << 8 | Int($1) }
        let trailerStart = file.count - trailerCount
        guard preambleCount + length <= trailerStart else {
            return .failure(Failure(region: "preamble", reason: "the manifest length (bytes 16–19) runs past the end of the file"))
        }
        let manifestBytes = Array(file[preambleCount..<(preambleCount + length)])
        let stored = Array(file[trailerStart..<(trailerStart + SHA256.digestCount)])
        let signature = Array(file[(trailerStart + SHA256.digestCount)...])
        let signed = signer.isValidSignature(signature, for: signatureLabel + Array(file[0..<preambleCount]) + stored)
        let actual = (try? SHA256.hash(manifestBytes)) ?? []
        let manifest = try? JSONBytes.decode(Manifest.self, manifestBytes)
        let partsFit = manifest.map { preambleCount + length + $0.parts.reduce(0) { $0 + $1.length } == trailerStart } ?? false
        switch (signed, actual == stored) {
        case (true, true): break
        case (true, false):
            return .failure(Failure(region: "manifest", reason: "changed after signing: its SHA-256 is not the signed digest"))
        case (false, true):
            return .failure(Failure(region: "signature", reason: "does not verify with the signer's public key: changed, or signed by another key"))
        case (false, false):
            return .failure(partsFit
                ? Failure(region: "trailer", reason: "the signed manifest digest (the trailer's first 32 bytes) was changed")
                : Failure(region: "preamble", reason: "the manifest length (bytes 16–19) does not frame the signed manifest"))
        }
        return checkParts(file, manifest: manifest, manifestEnd: preambleCount + length, trailerStart: trailerStart,
                          signer: signer, digest: actual)
    }

    private static func checkParts(_ file: [UInt8], manifest: Manifest?, manifestEnd: Int, trailerStart: Int,
                                   signer: Ed25519PublicKey, digest: [UInt8]) -> Result<Verified, Failure> {
        guard let manifest, manifest.format == format, manifest.version == 1 else {
            return .failure(Failure(region: "manifest", reason: "signed, but not a version 1 Candor export manifest"))
        }
        guard manifest.signer == hex(signer.rawRepresentation) else {
            return .failure(Failure(region: "manifest", reason: "names another signer than the key given"))
        }
        var ranges: [Range<Int>] = []
        var offset = manifestEnd
        for (index, part) in manifest.parts.enumerated() {
            let range = offset..<(offset + part.length)
            guard part.length >= 0, range.upperBound <= trailerStart else {
                return .failure(Failure(region: "parts", reason: "the file ends before part \(index) (\(part.name)): bytes were cut"))
            }
            guard (try? hex(SHA256.hash(Array(file[range])))) == part.sha256 else {
                return .failure(Failure(region: "part \(index) (\(part.name))",
                                        reason: "its SHA-256 is not the one the signed manifest gives: changed"))
            }
            ranges.append(range)
            offset = range.upperBound
        }
        guard offset == trailerStart else {
            return .failure(Failure(region: "parts", reason: "\(trailerStart - offset) bytes between the last part and the trailer that the manifest does not list"))
        }
        return .success(Verified(manifest: manifest, sha256: (try? SHA256.hash(file)) ?? digest, partRanges: ranges))
    }

    /// Why `open` refused.
    public struct OpenRefused: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// Verifies (against `signer`, or the signer the manifest names when nil: then the caller
    /// must compare `manifest.signer` with the key it trusts), then opens every part with the
    /// recipient's private key.
    public static func open(_ file: [UInt8], key: X25519PrivateKey, signer: Ed25519PublicKey? = nil)
        throws -> (verified: Verified, parts: [(name: String, bytes: [UInt8])]) {
        let pinned = try signer ?? claimedSigner(file)
        let verified: Verified
        switch verify(file, signer: pinned) {
        case .success(let v): verified = v
        case .failure(let failure): throw failure
        }
        let m = verified.manifest
        guard m.recipient == hex(key.publicKey.rawRepresentation) else {
            throw OpenRefused(description: "this export is sealed for another recipient key (\(m.recipient.prefix(16))…), not for this one")
        }
        guard let box = KeyFolder.decodeHex(m.contentKeyBox),
              let contentKey = try? SealedBox.openSecret(box, with: key, context: boxContext(exportID: m.exportID)) else {
            throw OpenRefused(description: "the content key does not open with this private key")
        }
        let parts = try zip(m.parts, verified.partRanges).map { part, range in
            (part.name, try AESGCM.open(Array(file[range]), key: contentKey, associatedData: partAD(exportID: m.exportID, name: part.name)))
        }
        return (verified, parts)
    }

    /// The signer the manifest names (not yet trusted: only what it says).
    public static func claimedSigner(_ file: [UInt8]) throws -> Ed25519PublicKey {
        guard file.count >= preambleCount, Array(file[0..<magic.count]) == magic else {
            throw Failure(region: "preamble", reason: "not a Candor export")
        }
        let length = file[16..<20].reduce(0) { $0 << 8 | Int($1) }
        guard preambleCount + length <= file.count,
              let manifest = try? JSONBytes.decode(Manifest.self, Array(file[preambleCount..<(preambleCount + length)])),
              let raw = KeyFolder.decodeHex(manifest.signer), let key = try? Ed25519PublicKey(rawRepresentation: raw) else {
            throw Failure(region: "manifest", reason: "cannot be read")
        }
        return key
    }

    static func iso8601(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}
