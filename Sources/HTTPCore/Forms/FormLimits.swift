/// Bounds for an application/x-www-form-urlencoded body. Exceeding one is answered with 413,
/// so a client cannot make the server hold an unbounded number or size of fields in memory.
public struct FormLimits: Sendable, Equatable {
    /// Most name/value pairs accepted (empty `&&` sequences are not counted).
    public var maxFields: Int
    /// Longest name, in bytes after percent-decoding.
    public var maxNameBytes: Int
    /// Longest value, in bytes after percent-decoding.
    public var maxValueBytes: Int
    /// Longest body, in raw bytes.
    public var maxTotalBytes: Int

    public init(
        maxFields: Int = 256,
        maxNameBytes: Int = 256,
        maxValueBytes: Int = 64 * 1024,
        maxTotalBytes: Int = 1024 * 1024
    ) {
        self.maxFields = maxFields
        self.maxNameBytes = maxNameBytes
        self.maxValueBytes = maxValueBytes
        self.maxTotalBytes = maxTotalBytes
    }
}
