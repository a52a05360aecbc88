/// How a `Database` connection is opened and configured.
public struct DatabaseOptions: Sendable, Equatable {
    /// Milliseconds a statement waits for another connection's lock before `SQLITE_BUSY`.
    public var busyTimeoutMilliseconds: Int32
    /// Accept a database that cannot use WAL (`:memory:` or a temporary database). Off by default:
    /// a file database silently left in rollback mode would lose the concurrency and durability
    /// this module promises.
    public var allowNonWAL: Bool
    /// Open as a reader: `PRAGMA query_only` makes every write fail on this connection.
    public var queryOnly: Bool
    /// The page cache of this connection in KiB (`PRAGMA cache_size=-N`); SQLite's default is
    /// 2000. Pages outside it are read again from the file on every query that needs them.
    public var cacheKibibytes: Int

    public init(busyTimeoutMilliseconds: Int32 = 5000, allowNonWAL: Bool = false, queryOnly: Bool = false, cacheKibibytes: Int = 2000) {
        self.busyTimeoutMilliseconds = busyTimeoutMilliseconds
        self.allowNonWAL = allowNonWAL
        self.queryOnly = queryOnly
        self.cacheKibibytes = cacheKibibytes
    }
}
