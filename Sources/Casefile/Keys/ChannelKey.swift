import Vault

/// The random key of a case's reporter channel (DESIGN.md, "Two keys per case"): the report as
/// sent, the accused as the reporter named them, the reporter's files, the messages both ways and
/// the reward decision. The only key the reporter's grant holds. A type of its own, so that the
/// compiler refuses it where the internal key, an identity key or a reporter's key is expected.
/// It holds its bytes in `SecureBytes`, wiped when the last copy is released, and lends them only
/// inside `withSecret`.
struct ChannelKey: Sendable {
    private let secret: SecureBytes

    /// Wraps bytes that are a channel key: fresh ones, or ones a grant just opened (`Grants`).
    init(_ secret: SecureBytes) { self.secret = secret }

    static func random() throws -> ChannelKey { ChannelKey(try SecureBytes.random(count: 32)) }

    func withSecret<R>(_ body: (SecureBytes) throws -> R) rethrows -> R { try body(secret) }
}
