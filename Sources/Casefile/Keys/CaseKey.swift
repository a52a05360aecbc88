import Vault

/// The random key that seals one case's content and files (DESIGN.md, "Keys and encryption").
/// A type of its own, so that the compiler refuses it where an identity key or a reporter's key
/// is expected and the other way round. It holds its bytes in `SecureBytes`, wiped when the last
/// copy is released, and lends them only inside `withSecret`.
struct CaseKey: Sendable {
    private let secret: SecureBytes

    /// Wraps bytes that are a case key: fresh ones, or ones a grant just opened (`Grants`).
    init(_ secret: SecureBytes) { self.secret = secret }

    static func random() throws -> CaseKey { CaseKey(try SecureBytes.random(count: 32)) }

    func withSecret<R>(_ body: (SecureBytes) throws -> R) rethrows -> R { try body(secret) }
}
