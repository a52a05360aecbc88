import Glibc

/// The server `scripts/bench-http.sh` measures: GET / (a small page, as nginx serves it),
/// POST /form (a buffered urlencoded body, answered with its byte count) and POST /upload
/// (a streamed body written to a temporary file, to watch peak memory). Blocks until SIGTERM.
public func runBenchServer(port: Int, host: String = "127.0.0.1") throws {
    let page = Array(benchPage.utf8)
    let router = Router()
    router.get("/") { _ in Response.bytes(page, contentType: "text/html; charset=utf-8") }
    router.post("/form") { req in Response.text(String(try req.bodyBytes().count)) }
    router.post("/upload", options: .streaming(maxBodySize: 8 << 30)) { req in
        var template = Array("/tmp/candor-bench-upload-XXXXXX".utf8CString)
        let fd = mkstemp(&template)
        guard fd >= 0 else { throw HTTPError(.internalServerError) }
        defer {
            close(fd)
            unlink(template)
        }
        var buffer = [UInt8](repeating: 0, count: 256 * 1024)
        var total = 0
        while true {
            let n = try buffer.withUnsafeMutableBytes { try req.body.read(into: $0) }
            if n == 0 { break }
            var off = 0
            while off < n {
                let w = buffer.withUnsafeBytes { write(fd, $0.baseAddress! + off, n - off) }
                guard w > 0 else { throw HTTPError(.internalServerError) }
                off += w
            }
            total += n
        }
        return Response.text(String(total))
    }
    var limits = HTTPLimits()
    limits.maxConnections = 4096
    let server = Server(configuration: ServerConfiguration(host: host, port: port, limits: limits),
                        handler: router.makeHandler())
    try server.start()
    server.installSignalHandlers()
    server.waitUntilStopped()
}

let benchPage = """
<!doctype html>
<html><head><title>Candor</title></head>
<body><h1>Candor</h1><p>A small page for the HTTP benchmark.</p></body></html>

"""
