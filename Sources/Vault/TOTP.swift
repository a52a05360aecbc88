import Foundation

/// Time-based one-time passwords (RFC 6238): HMAC-SHA1, 6 digits, 30-second steps, T0 = 0.
public enum TOTP {
    /// Seconds per step.
    public static let period: Int64 = 30
    /// Digits in a code.
    public static let digits = 6
    /// Recommended secret size (RFC 4226 §4: 160 bits).
    public static let secretCount = 20

    /// A new random secret for enrolment.
    public static func generateSecret() throws -> SecureBytes {
        try Random.secureBytes(secretCount)
    }

    /// The code for `time`.
    public static func code(secret: SecureBytes, time: Date) throws -> String {
        try code(secret: secret, counter: try counter(for: time), digits: digits)
    }

    /// `digits` is internal so that the RFC's 8-digit vectors can be checked.
    static func code(secret: SecureBytes, time: Date, digits: Int) throws -> String {
        try code(secret: secret, counter: try counter(for: time), digits: digits)
    }

    /// True when `code` is the code for `time` or for one step either side (clock drift).
    /// All three candidates are always computed and compared in constant time.
    public static func verify(code: String, secret: SecureBytes, time: Date) -> Bool {
        // try? flattens: nil both when nothing matched and when the time was out of range.
        (try? matchingCounter(code: code, secret: secret, time: time)) != nil
    }

    /// The step counter `code` matches within one step of `time`, or nil. Callers should store the
    /// last accepted counter and refuse codes at or below it, so a code cannot be replayed.
    public static func matchingCounter(code: String, secret: SecureBytes, time: Date) throws -> Int64? {
        let given = Array(code.utf8)
        guard given.count == digits, given.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else {
            return nil
        }
        let now = try counter(for: time)
        var match: Int64? = nil
        for candidate in [now - 1, now, now + 1] where candidate >= 0 {
            let expected = Array(try self.code(secret: secret, counter: candidate, digits: digits).utf8)
            if ConstantTime.equals(expected, given) && match == nil { match = candidate }
        }
        return match
    }

    /// An `otpauth://totp/` URI for authenticator apps (the Key Uri Format used by them all).
    public static func provisioningURI(secret: SecureBytes, account: String, issuer: String) -> String {
        let label = percentEncode(issuer) + ":" + percentEncode(account)
        let base32 = Base32.encode(secret.unsafeCopyToArray(), padding: false)
        return "otpauth://totp/\(label)?secret=\(base32)&issuer=\(percentEncode(issuer))&algorithm=SHA1&digits=\(digits)&period=\(period)"
    }

    static func counter(for time: Date) throws -> Int64 {
        let seconds = time.timeIntervalSince1970
        guard seconds >= 0, seconds < 1e15 else {
            throw VaultError.invalidArgument(what: "TOTP", reason: "time must be between 1970 and the far future")
        }
        return Int64(seconds.rounded(.down)) / period
    }

    static func code(secret: SecureBytes, counter: Int64, digits: Int) throws -> String {
        precondition((6...8).contains(digits), "TOTP digits must be 6...8")
        let message = (0..<8).map { UInt8(truncatingIfNeeded: UInt64(counter) >> (56 - 8 * UInt64($0))) }
        let mac = try HMAC.sha1(key: secret, message: message)
        // RFC 4226 §5.3 dynamic truncation.
        let offset = Int(mac[19] & 0x0f)
        let binary = (UInt32(mac[offset] & 0x7f) << 24) | (UInt32(mac[offset + 1]) << 16)
            | (UInt32(mac[offset + 2]) << 8) | UInt32(mac[offset + 3])
        var modulus: UInt32 = 1
        for _ in 0..<digits { modulus *= 10 }
        let value = String(binary % modulus)
        return String(repeating: "0", count: digits - value.count) + value
    }

    private static func percentEncode(_ text: String) -> String {
        let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)
        return text.utf8.map { unreserved.contains($0) ? String(Character(Unicode.Scalar($0))) : "%" + String(format2: $0).uppercased() }.joined()
    }
}
