/// How big uploads may be, per file and per request; the reporter's form and the console's
/// evidence and offline intake read files under the same limits.
public struct UploadLimits: Sendable {
    public var maxFileBytes: Int = 100 * 1024 * 1024
    public var maxFiles: Int = 20
    public var maxRequestBytes: Int = 1024 * 1024 * 1024
    public init() {}

    /// A size as a person reads it: "820 KB", "3.4 MB", "1 GB" (1 KB = 1024 bytes).
    public static func sizeText(_ bytes: Int64) -> String {
        let kb = 1024.0, mb = kb * 1024, gb = mb * 1024
        let b = Double(bytes)
        func one(_ v: Double) -> String {
            let tenths = Int((v * 10).rounded())
            return v >= 10 || tenths % 10 == 0 ? String(Int(v.rounded())) : "\(tenths / 10).\(tenths % 10)"
        }
        if b >= gb { return one(b / gb) + " GB" }
        if b >= mb { return one(b / mb) + " MB" }
        return String(max(1, Int((b / kb).rounded(.up)))) + " KB"
    }
}
