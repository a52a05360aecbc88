import Vault

/// The key derived (scrypt, after the pepper) from a reporter's tracking code; it wraps the case
/// key in the reporter's grant (`TrackingKeys`). The reporter holds no key pair, so this is the
/// only way in from their side. Wiped on release, lent only inside `withSecret`.
struct ReporterKey: Sendable {
    private let secret: SecureBytes

    init(_ secret: SecureBytes) { self.secret = secret }

    func withSecret<R>(_ body: (SecureBytes) throws -> R) rethrows -> R { try body(secret) }
}
