/// Where `MultipartFieldCollector` streams a file part, e.g. an encrypting writer, so that
/// a file never has to fit in memory.
public protocol FilePartSink {
    /// Receives the next bytes of the file, in order.
    mutating func write(_ bytes: [UInt8]) throws
    /// Called once after the file's last byte.
    mutating func finish() throws
    /// Called instead of `finish()` when the body turns out malformed or over a limit, or
    /// a later sink fails: whatever was written should be discarded.
    mutating func abort()
}

extension FilePartSink {
    public mutating func abort() {}
}
