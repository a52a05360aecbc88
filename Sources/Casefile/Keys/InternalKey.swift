import Vault

/// The random key of a case's internal work (DESIGN.md, "Two keys per case"): notes, interviews,
/// staff evidence, approvals' reasons, the investigation report, the sanction, the exclusions,
/// same-matter links, reward figures, and the seal of the case's state. Sealed for staff holders
/// and the recovery key, never for the reporter: a tracking code and a copy of the database
/// open none of it. Wiped on release, lent only inside `withSecret`.
struct InternalKey: Sendable {
    private let secret: SecureBytes

    init(_ secret: SecureBytes) { self.secret = secret }

    static func random() throws -> InternalKey { InternalKey(try SecureBytes.random(count: 32)) }

    func withSecret<R>(_ body: (SecureBytes) throws -> R) rethrows -> R { try body(secret) }
}
