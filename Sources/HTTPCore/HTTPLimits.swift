/// Every bound the server enforces against a client. Defaults suit a small public service;
/// tests shrink the time limits to make slow clients observable.
public struct HTTPLimits: Sendable {
    /// Longest request line, CRLF excluded; beyond it 414.
    public var maxRequestLine = 8 * 1024
    /// Bytes of header field lines after the request line; beyond it 431.
    public var maxHeaderBytes = 16 * 1024
    /// Number of header field lines; beyond it 431.
    public var maxHeaderCount = 100
    /// Largest body buffered in memory for routes that do not stream; beyond it 413.
    public var maxBufferedBody = 1024 * 1024
    /// Default cap for streamed bodies when a route names none.
    public var maxStreamedBody = 64 * 1024 * 1024
    /// The whole head must arrive within this many seconds of its first byte (or of accept).
    public var headDeadline: Double = 10
    /// An idle keep-alive connection is closed after this many seconds.
    public var idleTimeout: Double = 15
    /// Bodies must average at least this rate once the grace window has passed.
    public var minBodyBytesPerSecond = 1024
    public var bodyRateGrace: Double = 5
    /// One blocked send may last this long; a client that stops reading is dropped.
    public var writeTimeout: Double = 30
    /// Concurrent connections; beyond it a 503 with Connection: close.
    public var maxConnections = 1024
    /// Seconds in-flight requests get to finish once shutdown starts.
    public var shutdownDeadline: Double = 10
    /// Unconsumed body bytes the server reads and discards to keep a connection alive.
    public var maxDrainBytes = 256 * 1024
    /// Trailer section of a chunked body, in bytes.
    public var maxTrailerBytes = 4 * 1024
    /// A chunk-size line with its extensions, in bytes.
    public var maxChunkLine = 1024

    public init() {}
}
