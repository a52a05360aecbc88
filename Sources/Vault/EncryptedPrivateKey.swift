import Foundation

/// Password-protected export of an X25519 private key (DESIGN.md, "Staff keys").
///
/// Format (version 1):
/// `version(1) = 0x01 | parameter length(1) | scrypt parameters (ASCII, e.g. "ln=17,r=8,p=1")
///  | salt(16) | nonce(12) | ciphertext(32) | tag(16)`
///
/// key = scrypt(password, salt, parameters, 32 bytes); AES-256-GCM with associated data
/// "candor/private-key/v1" ‖ everything before the nonce, so the header cannot be changed either.
extension X25519PrivateKey {
    static let encryptedVersion: UInt8 = 1
    static let encryptedLabel = Array("candor/private-key/v1".utf8)
    static let encryptedSaltCount = 16
    static let encryptedWhat = "Encrypted X25519 private key"

    /// This key encrypted under `password`, with scrypt `params` stored beside it.
    public func exportEncrypted(password: String, params: ScryptParameters = .recommended) throws -> [UInt8] {
        let encodedParameters = Array(params.encoded.utf8)
        let salt = try Random.bytes(Self.encryptedSaltCount)
        let header = [Self.encryptedVersion, UInt8(encodedParameters.count)] + encodedParameters + salt
        let key = try Scrypt.derive(password: password, salt: salt, parameters: params, count: AESGCM.keyCount)
        let inner = try AESGCM.seal(try rawRepresentation, key: key, associatedData: Self.encryptedLabel + header)
        return header + inner.dropFirst()
    }

    /// Decrypts a key made by `exportEncrypted`. Throws `.wrongPassword` when the password does
    /// not unlock it (an altered file looks the same), `.malformedInput` or `.unsupportedVersion`
    /// when it is not such a file.
    public static func importEncrypted(_ data: [UInt8], password: String) throws -> X25519PrivateKey {
        let (parameters, salt, headerCount) = try parseEncryptedHeader(data)
        let key = try Scrypt.derive(password: password, salt: salt, parameters: parameters, count: AESGCM.keyCount)
        let inner = [AESGCM.version] + data[headerCount...]
        let raw: SecureBytes
        do {
            raw = try AESGCM.openSecret(inner, key: key, associatedData: encryptedLabel + data[..<headerCount])
        } catch VaultError.authenticationFailed {
            throw VaultError.wrongPassword(what: encryptedWhat)
        }
        return try X25519PrivateKey(rawRepresentation: raw)
    }

    /// The scrypt parameters an exported key was made with, to decide whether to re-export it
    /// with stronger ones (`ScryptParameters.needsRehash`).
    public static func encryptedParameters(_ data: [UInt8]) throws -> ScryptParameters {
        try parseEncryptedHeader(data).parameters
    }

    private static func parseEncryptedHeader(_ data: [UInt8]) throws -> (parameters: ScryptParameters, salt: [UInt8], headerCount: Int) {
        guard data.count >= 2 else {
            throw VaultError.malformedInput(what: encryptedWhat, field: "header", reason: "too short")
        }
        guard data[0] == encryptedVersion else {
            throw VaultError.unsupportedVersion(what: encryptedWhat, found: data[0], supported: encryptedVersion)
        }
        let parametersCount = Int(data[1])
        let headerCount = 2 + parametersCount + encryptedSaltCount
        guard data.count == headerCount + AESGCM.nonceCount + count + AESGCM.tagCount else {
            throw VaultError.malformedInput(what: encryptedWhat, field: "length",
                                            reason: "\(data.count) bytes does not match the header")
        }
        guard let text = String(bytes: data[2..<(2 + parametersCount)], encoding: .ascii) else {
            throw VaultError.malformedInput(what: encryptedWhat, field: "scrypt parameters", reason: "not ASCII")
        }
        let parameters: ScryptParameters
        do { parameters = try ScryptParameters(encoded: text) } catch {
            throw VaultError.malformedInput(what: encryptedWhat, field: "scrypt parameters", reason: "\(error)")
        }
        return (parameters, Array(data[(2 + parametersCount)..<headerCount]), headerCount)
    }
}
