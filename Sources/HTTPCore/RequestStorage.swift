/// A key for values middleware attaches to a request (e.g. the signed-in user).
public protocol RequestStorageKey {
    associatedtype Value: Sendable
}

/// Per-request values passed from middleware to handlers, keyed by type so two middlewares
/// cannot collide on a string.
public struct RequestStorage: Sendable {
    private var values: [ObjectIdentifier: any Sendable] = [:]

    public init() {}

    public subscript<Key: RequestStorageKey>(_ key: Key.Type) -> Key.Value? {
        get { values[ObjectIdentifier(key)] as? Key.Value }
        set { values[ObjectIdentifier(key)] = newValue }
    }
}
