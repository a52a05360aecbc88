import Foundation
import Glibc
import HTTPCore
@testable import ReporterSite

/// A minimal HTTP/1.1 client over a real loopback socket, for the one live test per flow.
struct WireResponse {
    var status: Int
    var headers: [(String, String)]
    var body: [UInt8]

    func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
    var text: String { String(decoding: body, as: UTF8.self) }
}

enum WireClient {
    static func send(port: Int, method: String, path: String, headers: [(String, String)] = [], body: [UInt8] = []) throws -> WireResponse {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = UInt16(port).bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let ok = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard ok == 0 else { throw POSIXError(.ECONNREFUSED) }
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        for (n, v) in headers { head += "\(n): \(v)\r\n" }
        if !body.isEmpty || method == "POST" { head += "Content-Length: \(body.count)\r\n" }
        head += "\r\n"
        let out = Array(head.utf8) + body
        var sent = 0
        while sent < out.count {
            let n = out.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw POSIXError(.EPIPE) }
            sent += n
        }
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            data += buffer[0..<n]
        }
        guard let split = data.firstRange(of: Array("\r\n\r\n".utf8)) else { throw POSIXError(.EBADMSG) }
        let lines = String(decoding: data[..<split.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        let status = Int(lines[0].split(separator: " ")[1]) ?? 0
        let headers = lines.dropFirst().compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        return WireResponse(status: status, headers: headers, body: Array(data[split.upperBound...]))
    }
}

/// A multipart/form-data body as a browser builds it. Like the report form, it carries a
/// one-time submission token (any 32 hex digits do; set nil to send none).
struct MultipartBody {
    let boundary = "----CandorTestBoundary\(UInt32.random(in: 0...UInt32.max))"
    var bytes: [UInt8] = []
    var submission: String? = (0..<32).map { _ in String("0123456789abcdef".randomElement()!) }.joined()

    var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    mutating func field(_ name: String, _ value: String) {
        bytes += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
    }

    mutating func file(_ name: String, filename: String, type: String, _ content: [UInt8]) {
        bytes += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"; filename=\"\(filename)\"\r\nContent-Type: \(type)\r\n\r\n".utf8)
        bytes += content + Array("\r\n".utf8)
    }

    func finished() -> [UInt8] {
        var out = bytes
        if let submission {
            out += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"submission\"\r\n\r\n\(submission)\r\n".utf8)
        }
        return out + Array("--\(boundary)--\r\n".utf8)
    }
}

/// The repository's `Templates/`, found from this file's path.
let templatesFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Templates")

/// The tracking code on a receipt, its groups joined by spaces (the markup around them dropped).
func trackingCode(in html: String) -> String? {
    guard let r = html.range(of: "<code id=\"tracking-code\""), let open = html[r.upperBound...].firstIndex(of: ">"),
          let end = html[open...].range(of: "</code>") else { return nil }
    var text = "", inTag = false
    for c in html[html.index(after: open)..<end.lowerBound] {
        if c == "<" { inTag = true } else if c == ">" { inTag = false } else if !inTag { text.append(c) }
    }
    let code = text.split(separator: " ").joined(separator: " ")
    return code.isEmpty ? nil : code
}

/// After the report form's 303 to its receipt, the receipt, as a browser follows it (the
/// receipt cookie sent back); any other response as it is.
func followReceipt(_ r: Response, _ send: (Request) throws -> Response) throws -> Response {
    guard r.status.code == 303, r.headers["Location"]?.hasPrefix("/report/receipt") == true,
          let id = cookieValue(r.headers["Set-Cookie"], SubmissionDesk.cookieName) else { return r }
    return try send(try Request(method: .get, target: r.headers["Location"]!,
                                headers: ["Host": "127.0.0.1:8080", "Cookie": "\(SubmissionDesk.cookieName)=\(id)"]))
}

/// The same over the wire.
func followReceipt(_ r: WireResponse, port: Int) throws -> WireResponse {
    guard r.status == 303, let location = r.header("Location"), location.hasPrefix("/report/receipt"),
          let id = cookieValue(r.header("Set-Cookie"), SubmissionDesk.cookieName) else { return r }
    return try WireClient.send(port: port, method: "GET", path: location, headers: [("Cookie", "\(SubmissionDesk.cookieName)=\(id)")])
}

func cookieValue(_ setCookie: String?, _ name: String) -> String? {
    guard let setCookie, setCookie.hasPrefix(name + "=") else { return nil }
    return String(setCookie.dropFirst(name.count + 1).prefix { $0 != ";" })
}
