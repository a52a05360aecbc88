import Vault

/// The random key that seals a real-name reporter's identity, apart from the case key: holding
/// the case does not mean reading the name (art. 4, 16). Its own type, so it can never be used
/// as a case key nor granted as one; wiped on release, lent only inside `withSecret`.
struct IdentityKey: Sendable {
    private let secret: SecureBytes

    init(_ secret: SecureBytes) { self.secret = secret }

    static func random() throws -> IdentityKey { IdentityKey(try SecureBytes.random(count: 32)) }

    func withSecret<R>(_ body: (SecureBytes) throws -> R) rethrows -> R { try body(secret) }
}
