import Vault

/// An unlocked staff account's X25519 private key: what a login or an API token yields and what
/// opens the account's grants. Outside this module it is opaque (a session holds it and hands it
/// back), so the sites can neither read it nor use it for anything but a `Ledger` call. The key
/// is wiped when the last copy is released, as `X25519PrivateKey` is.
public struct StaffPrivateKey: Sendable {
    let key: X25519PrivateKey

    init(_ key: X25519PrivateKey) { self.key = key }

    /// The public half, to check it against the account's stored public key.
    var publicKey: X25519PublicKey { key.publicKey }
}

/// The installation's recovery private key, read from the file the head keeps offline; it opens
/// the recovery grants of every case (`candor recover`). Its own type so that it cannot be
/// passed where an account's key is expected.
public struct RecoveryPrivateKey: Sendable {
    let key: X25519PrivateKey

    public init(_ key: X25519PrivateKey) { self.key = key }

    /// The public half, to check the key belongs to this installation.
    var publicKey: X25519PublicKey { key.publicKey }
}
