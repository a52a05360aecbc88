import Casework
import Vault

/// From a tracking code to the two things it unlocks: the lookup id stored with the case, and
/// the reporter's key that wraps the case key (DESIGN.md). One scrypt derivation gives both, so a
/// lookup costs one derivation; the pepper is mixed in first, so that a stolen database alone
/// cannot be searched, and scrypt makes even database-plus-pepper too slow to search 10^20 codes.
struct TrackingKeys {
    let lookupID: [UInt8]
    let reporterKey: ReporterKey

    /// N = 2^14, r = 8, p = 1: the floor the reporter issue sets; 16 MiB and tens of
    /// milliseconds per derivation. Stored per case, so it can be raised for new cases.
    static let parameters = try! ScryptParameters(logN: 14, r: 8, p: 1)

    static func derive(code: TrackingCode, pepper: SecureBytes, parameters: ScryptParameters = TrackingKeys.parameters) throws -> TrackingKeys {
        let keyed = SecureBytes(try HMAC.sha256(key: pepper, message: Array("candor/tracking/v1|\(code.digits)".utf8)))
        let out = try Scrypt.derive(password: keyed, salt: Array("candor/tracking-scrypt/v1".utf8), parameters: parameters, count: 64)
        return out.withUnsafeBytes { bytes in
            TrackingKeys(lookupID: Array(bytes[0..<32]), reporterKey: ReporterKey(SecureBytes(Array(bytes[32..<64]))))
        }
    }
}
