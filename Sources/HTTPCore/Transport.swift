/// Why a transport stopped delivering bytes.
enum TransportError: Error, Equatable {
    /// The deadline passed with no bytes.
    case timedOut
    /// The server is shutting down and the caller asked to be woken for it.
    case shuttingDown
    /// The peer reset the connection, or a write failed.
    case failed(Int32)
    /// The TLS layer refused the peer.
    case tls(String)
}

/// The byte stream under a connection: plain TCP or TLS. Reads wait with poll() so every
/// wait is bounded by a deadline; a blocking recv could hold a thread forever.
protocol Transport: AnyObject {
    /// Reads at least one byte unless the stream ended (returns 0). Waits no later than `deadline`;
    /// with `interruptible`, also returns early (throwing `.shuttingDown`) when shutdown starts.
    func read(into buffer: UnsafeMutableRawBufferPointer, deadline: MonotonicTime, interruptible: Bool) throws -> Int
    /// Writes everything or throws.
    func write(_ bytes: UnsafeRawBufferPointer) throws
    /// Closes after telling the peer we are done writing, then discarding what it still sends for
    /// a moment, so that a final error page is not destroyed by a TCP reset (RFC 9112 §9.6).
    func close(lingering: Bool)
}
