import Vault

/// What can open the pieces of a case: both keys for a staff holder or the recovery key, the
/// channel key alone for the reporter. Which key a piece is sealed under is decided here, by its
/// kind, and nowhere else (`BlobKind.isChannel`); asking the reporter's keyring for an internal
/// kind throws instead of lending a wrong key.
protocol CaseKeyring: Sendable {
    /// Lends the key that seals pieces of `kind`.
    func withKey<R>(for kind: BlobKind, _ body: (SecureBytes) throws -> R) throws -> R
    /// Lends the key that seals a file and its metadata: the channel key for the reporter's
    /// files, the internal key for staff evidence.
    func withFileKey<R>(internal: Bool, _ body: (SecureBytes) throws -> R) throws -> R
}

/// A staff holder's (or the recovery key's) keys to a case.
struct CaseKeys: CaseKeyring {
    let channel: ChannelKey
    let `internal`: InternalKey

    static func random() throws -> CaseKeys { CaseKeys(channel: try .random(), internal: try .random()) }

    func withKey<R>(for kind: BlobKind, _ body: (SecureBytes) throws -> R) throws -> R {
        kind.isChannel ? try channel.withSecret(body) : try `internal`.withSecret(body)
    }

    func withFileKey<R>(internal isInternal: Bool, _ body: (SecureBytes) throws -> R) throws -> R {
        isInternal ? try `internal`.withSecret(body) : try channel.withSecret(body)
    }
}

/// The reporter holds the channel key only.
extension ChannelKey: CaseKeyring {
    /// Thrown when the reporter's side asks for a key it does not hold (an internal kind).
    struct NotInChannel: Error, CustomStringConvertible {
        let kind: String
        var description: String { "the reporter's channel holds no key for \(kind)" }
    }

    func withKey<R>(for kind: BlobKind, _ body: (SecureBytes) throws -> R) throws -> R {
        guard kind.isChannel else { throw NotInChannel(kind: kind.rawValue) }
        return try withSecret(body)
    }

    func withFileKey<R>(internal isInternal: Bool, _ body: (SecureBytes) throws -> R) throws -> R {
        guard !isInternal else { throw NotInChannel(kind: "staff evidence") }
        return try withSecret(body)
    }
}
