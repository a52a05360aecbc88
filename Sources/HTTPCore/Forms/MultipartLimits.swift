/// Bounds for a multipart/form-data body. Exceeding one is answered with 413. The parser
/// itself holds at most one part's header block (or a boundary's worth of bytes) in memory;
/// these bound what a client can make the gateway store or the collector keep.
public struct MultipartLimits: Sendable, Equatable {
    /// Most parts (fields plus files).
    public var maxParts: Int
    /// Longest header block of one part, in bytes.
    public var maxPartHeaderBytes: Int
    /// Largest part without a filename (a plain field), in bytes.
    public var maxFieldBytes: Int
    /// Largest part with a filename (a file), in bytes.
    public var maxFileBytes: Int
    /// Largest whole body, preamble and epilogue included, in bytes.
    public var maxTotalBytes: Int

    public init(
        maxParts: Int = 64,
        maxPartHeaderBytes: Int = 8 * 1024,
        maxFieldBytes: Int = 64 * 1024,
        maxFileBytes: Int = 256 * 1024 * 1024,
        maxTotalBytes: Int = 512 * 1024 * 1024
    ) {
        self.maxParts = maxParts
        self.maxPartHeaderBytes = maxPartHeaderBytes
        self.maxFieldBytes = maxFieldBytes
        self.maxFileBytes = maxFileBytes
        self.maxTotalBytes = maxTotalBytes
    }
}
