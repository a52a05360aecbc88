import Glibc

/// Serves files from one folder and nothing outside it. Every path component is opened with
/// O_NOFOLLOW relative to the previous one, so neither `..` nor a symlink can lead out; encoded
/// dots and separators, backslashes, NUL and dot-files are refused before any file is touched.
/// Files stream in pieces with an ETag (size and mtime) and answer If-None-Match with 304.
public struct StaticFiles: HTTPHandler {
    public let root: String
    public var cacheControl: String

    /// `root` must be an existing directory; it is resolved once, here.
    public init(root: String, cacheControl: String = "no-cache") throws {
        guard let resolved = realpath(root, nil) else { throw ServerError("static root \(root)") }
        self.root = String(cString: resolved)
        free(resolved)
        self.cacheControl = cacheControl
    }

    /// Owns an open file so the streaming producer can outlive the handler call.
    final class OpenFile: Sendable {
        let fd: Int32
        init(_ fd: Int32) { self.fd = fd }
        deinit { close(fd) }
    }

    public func handle(_ request: Request) throws -> Response {
        guard request.method == .get || request.method == .head else {
            throw HTTPError(.methodNotAllowed, headers: ["Allow": "GET, HEAD"])
        }
        let segments = request.parameters.wildcard ?? request.pathSegments
        guard StaticFiles.isSafe(rawTarget: request.target, segments: segments) else { throw HTTPError(.notFound) }
        guard let file = open(segments) else { throw HTTPError(.notFound) }
        var st = stat()
        guard fstat(file.fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { throw HTTPError(.notFound) }
        let size = Int(st.st_size)
        let mtime = Int(st.st_mtim.tv_sec) * 1_000_000_000 + Int(st.st_mtim.tv_nsec)
        let etag = "\"\(String(size, radix: 16))-\(String(mtime, radix: 16))\""
        var headers: HTTPHeaders = ["ETag": etag, "Cache-Control": cacheControl]
        if let inm = request.headers["If-None-Match"], StaticFiles.matches(ifNoneMatch: inm, etag: etag) {
            return Response(status: .notModified, headers: headers)
        }
        headers.add("Content-Type", ContentTypes.forFile(segments.last ?? ""))
        return Response(status: .ok, headers: headers, body: .stream(length: size) { writer in
            var chunk = [UInt8](repeating: 0, count: 64 * 1024)
            var left = size
            while left > 0 {
                let n = chunk.withUnsafeMutableBytes { read(file.fd, $0.baseAddress, min($0.count, left)) }
                if n < 0 && errno == EINTR { continue }
                // A file that shrank mid-send: stop; the writer sees the short length and closes.
                if n <= 0 { return }
                try chunk.withUnsafeBytes { try writer.write(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
                left -= n
            }
        })
    }

    static func isSafe(rawTarget: String, segments: [String]) -> Bool {
        guard !segments.isEmpty else { return false }
        let rawPath = rawTarget.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let lower = rawPath.lowercased()
        for bad in ["%2e", "%2f", "%5c", "%00", "\\"] where lower.contains(bad) { return false }
        for s in segments {
            if s.isEmpty || s.hasPrefix(".") { return false }
            if s.utf8.contains(where: { $0 == 0x2F || $0 == 0x5C || $0 < 0x20 || $0 == 0x7F }) { return false }
        }
        return true
    }

    /// Walks from the root one component at a time with O_NOFOLLOW: a symlink anywhere fails.
    private func open(_ segments: [String]) -> OpenFile? {
        var dir = Glibc.open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard dir >= 0 else { return nil }
        for (i, seg) in segments.enumerated() {
            let last = i == segments.count - 1
            let flags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC | (last ? O_NONBLOCK : O_DIRECTORY)
            let next = openat(dir, seg, flags)
            close(dir)
            guard next >= 0 else { return nil }
            if last {
                // O_NONBLOCK only kept a FIFO from hanging the open; reads of a regular file ignore it.
                return OpenFile(next)
            }
            dir = next
        }
        close(dir)
        return nil
    }

    /// RFC 9110 §13.1.2: weak comparison, `*` matches any current representation.
    static func matches(ifNoneMatch: String, etag: String) -> Bool {
        for part in ifNoneMatch.split(separator: ",") {
            var tag = trimOWS(part)
            if tag == "*" { return true }
            if tag.hasPrefix("W/") { tag = tag.dropFirst(2) }
            if tag == etag { return true }
        }
        return false
    }
}
