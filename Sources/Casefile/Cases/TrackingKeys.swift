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
    /// milliseconds per derivation. New codes use the settings' `tracking_code_cost` (this by
    /// default); each case stores the cost its code was made with.
    static let parameters = try! ScryptParameters(logN: 14, r: 8, p: 1)

    /// The settings' cost as scrypt parameters; validated settings always convert.
    static func parameters(_ cost: TrackingCodeCost) throws -> ScryptParameters {
        try ScryptParameters(logN: UInt8(clamping: cost.logN), r: UInt32(clamping: cost.r), p: UInt32(clamping: cost.p))
    }

    static func derive(code: TrackingCode, pepper: SecureBytes, parameters: ScryptParameters = TrackingKeys.parameters) throws -> TrackingKeys {
        // The HMAC output is the code under the pepper: wiped once it is in wiped memory.
        var mac = try HMAC.sha256(key: pepper, message: Array("candor/tracking/v1|\(code.digits)".utf8))
        let keyed = SecureBytes(mac)
        SecureBytes.wipe(&mac)
        let out = try Scrypt.derive(password: keyed, salt: Array("candor/tracking-scrypt/v1".utf8), parameters: parameters, count: 64)
        // The lookup id is stored in the clear anyway; the reporter's key never leaves wiped memory.
        let lookupID = out.withUnsafeBytes { Array($0[0..<32]) }
        return TrackingKeys(lookupID: lookupID, reporterKey: ReporterKey(out.slice(32..<64)))
    }
}
