import Foundation

/// Password hashes for staff logins: scrypt with a random 16-byte salt and a 32-byte output.
///
/// Format: `$scrypt$ln=<log2 N>,r=<r>,p=<p>$<salt, base64>$<hash, base64>` (standard base64 with
/// padding), so every stored hash says how it was made and can be raised later.
public enum PasswordHash {
    static let prefix = "$scrypt$"
    static let saltCount = 16
    static let hashCount = 32

    /// A new self-describing hash of `password`.
    public static func make(password: String, parameters: ScryptParameters = .recommended) throws -> String {
        let salt = try Random.bytes(saltCount)
        let hash = try Scrypt.derive(password: password, salt: salt, parameters: parameters, count: hashCount)
        return prefix + parameters.encoded + "$" + Data(salt).base64EncodedString() + "$"
            + Data(hash.unsafeCopyToArray()).base64EncodedString()
    }

    /// True when `password` matches `stored`; compared in constant time. A malformed stored value
    /// never matches.
    public static func verify(_ password: String, against stored: String) -> Bool {
        guard let parsed = try? parse(stored),
              let candidate = try? Scrypt.derive(password: password, salt: parsed.salt,
                                                 parameters: parsed.parameters, count: parsed.hash.count) else {
            return false
        }
        return candidate.withUnsafeBytes { ConstantTime.equals($0, parsed.hash) }
    }

    /// True when `stored` was made with parameters below `target` (or cannot be read at all).
    public static func needsRehash(_ stored: String, target: ScryptParameters) -> Bool {
        guard let parsed = try? parse(stored) else { return true }
        return parsed.parameters.needsRehash(target: target)
    }

    static func parse(_ stored: String) throws -> (parameters: ScryptParameters, salt: [UInt8], hash: [UInt8]) {
        let what = "password hash"
        guard stored.hasPrefix(prefix) else {
            throw VaultError.malformedInput(what: what, field: "prefix", reason: "expected '\(prefix)'")
        }
        let parts = stored.dropFirst(prefix.count).split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 3 else {
            throw VaultError.malformedInput(what: what, field: "layout", reason: "expected parameters, salt and hash separated by '$'")
        }
        let parameters = try ScryptParameters(encoded: String(parts[0]))
        guard let salt = Data(base64Encoded: String(parts[1])), salt.count >= 8 else {
            throw VaultError.malformedInput(what: what, field: "salt", reason: "not base64 of at least 8 bytes")
        }
        guard let hash = Data(base64Encoded: String(parts[2])), (16...64).contains(hash.count) else {
            throw VaultError.malformedInput(what: what, field: "hash", reason: "not base64 of 16...64 bytes")
        }
        return (parameters, [UInt8](salt), [UInt8](hash))
    }
}
