/// How big uploads may be, per file and per request; the reporter's form and the console's
/// evidence and offline intake read files under the same limits.
public struct UploadLimits: Sendable {
    var maxFileBytes: Int = 100 * 1024 * 1024
    var maxFiles: Int = 20
    public var maxRequestBytes: Int = 1024 * 1024 * 1024
    public init() {}
}
