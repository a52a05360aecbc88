import COpenSSL
import Glibc
import XCTest
@testable import HTTPCore

/// A real TLS handshake against the server, with a certificate made at test time through the
/// OpenSSL API (EC P-256, self-signed).
final class TLSTransportTests: XCTestCase {
    var dir = ""

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "candor-tls-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try makeSelfSigned(certPath: dir + "/cert.pem", keyPath: dir + "/key.pem")
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    func makeSelfSigned(certPath: String, keyPath: String, commonName: String = "localhost") throws {
        let kctx = EVP_PKEY_CTX_new_id(EVP_PKEY_EC, nil)
        defer { EVP_PKEY_CTX_free(kctx) }
        XCTAssertEqual(EVP_PKEY_keygen_init(kctx), 1)
        XCTAssertEqual(EVP_PKEY_CTX_set_ec_paramgen_curve_nid(kctx, NID_X9_62_prime256v1), 1)
        var pkey: OpaquePointer?
        XCTAssertEqual(EVP_PKEY_keygen(kctx, &pkey), 1)
        defer { EVP_PKEY_free(pkey) }
        let x509 = X509_new()
        defer { X509_free(x509) }
        X509_set_version(x509, 2)
        ASN1_INTEGER_set(X509_get_serialNumber(x509), 1)
        X509_gmtime_adj(X509_getm_notBefore(x509), -60)
        X509_gmtime_adj(X509_getm_notAfter(x509), 3600)
        X509_set_pubkey(x509, pkey)
        let name = X509_get_subject_name(x509)
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, commonName, -1, -1, 0)
        X509_set_issuer_name(x509, name)
        XCTAssertGreaterThan(X509_sign(x509, pkey, EVP_sha256()), 0)
        let cf = fopen(certPath, "w")
        PEM_write_X509(cf, x509)
        fclose(cf)
        let kf = fopen(keyPath, "w")
        PEM_write_PrivateKey(kf, pkey, nil, nil, 0, nil, nil)
        fclose(kf)
    }

    /// Connects, handshakes with at most `maxVersion`, sends `request`; returns the reply text and
    /// the version, or, if it failed, nil and why (OpenSSL's reasons, or that TCP did not connect).
    func tlsRequest(port: Int, maxVersion: Int32, request: String) -> (String?, String?) {
        let (reply, versionOrFailure, connected) = tlsAttempt(port: port, maxVersion: maxVersion, request: request)
        return connected ? (reply, versionOrFailure) : (nil, nil)
    }

    func tlsAttempt(port: Int, maxVersion: Int32, request: String) -> (reply: String?, detail: String?, connected: Bool) {
        let ctx = SSL_CTX_new(TLS_client_method())
        defer { SSL_CTX_free(ctx) }
        // The client may go lower than the server allows, so the server's refusal is what is tested.
        SSL_CTX_set_security_level(ctx, 0)
        _ = candor_ssl_ctx_set_proto_range(ctx, candor_tls1_1_version(), maxVersion)
        SSL_CTX_set_cipher_list(ctx, "ALL:@SECLEVEL=0")
        guard let c = try? TestClient(port: port) else { return (nil, "TCP connect failed", false) }
        let ssl = SSL_new(ctx)
        defer { SSL_free(ssl) }
        SSL_set_fd(ssl, c.fd)
        guard SSL_connect(ssl) == 1 else {
            var reasons: [String] = []
            while case let e = ERR_get_error(), e != 0 {
                reasons.append(ERR_reason_error_string(e).map { String(cString: $0) } ?? "error \(e)")
            }
            return (nil, reasons.isEmpty ? "handshake failed without a reason" : reasons.joined(separator: "; "), false)
        }
        let version = String(cString: SSL_get_version(ssl))
        _ = request.withCString { SSL_write(ssl, $0, Int32(strlen($0))) }
        var reply = [UInt8]()
        var buf = [UInt8](repeating: 0, count: 16384)
        while true {
            let n = buf.withUnsafeMutableBytes { SSL_read(ssl, $0.baseAddress, Int32($0.count)) }
            if n <= 0 { break }
            reply += buf[0..<Int(n)]
        }
        return (String(decoding: reply, as: UTF8.self), version, true)
    }

    func testHandshakeAndRequestOverTLS13And12() throws {
        let server = try startServer(tls: TLSConfiguration(certificatePath: dir + "/cert.pem", privateKeyPath: dir + "/key.pem"),
                                     handler: HandlerClosure { req in .text("secure \(req.path)") })
        defer { server.shutdown() }
        let (r13, v13) = tlsRequest(port: server.port, maxVersion: candor_tls1_3_version(),
                                    request: "GET /x HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        XCTAssertEqual(v13, "TLSv1.3")
        XCTAssertTrue(r13?.hasPrefix("HTTP/1.1 200 OK\r\n") ?? false)
        XCTAssertTrue(r13?.hasSuffix("secure /x") ?? false)
        let (r12, v12) = tlsRequest(port: server.port, maxVersion: candor_tls1_2_version(),
                                    request: "GET /y HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        XCTAssertEqual(v12, "TLSv1.2")
        XCTAssertTrue(r12?.hasSuffix("secure /y") ?? false)
    }

    /// The server refuses TLS 1.1 with a protocol-version alert, and the same client, allowed
    /// TLS 1.2, is served by the same server: the refusal is about the version, nothing else.
    func testTLS11Refused() throws {
        let server = try startServer(tls: TLSConfiguration(certificatePath: dir + "/cert.pem", privateKeyPath: dir + "/key.pem"),
                                     handler: HandlerClosure { _ in .text("yes") })
        defer { server.shutdown() }
        let refused = tlsAttempt(port: server.port, maxVersion: candor_tls1_1_version(), request: "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertFalse(refused.connected)
        XCTAssertNil(refused.reply)
        XCTAssertTrue(refused.detail?.contains("alert protocol version") ?? false, "refused for another reason: \(refused.detail ?? "-")")
        let control = tlsAttempt(port: server.port, maxVersion: candor_tls1_2_version(),
                                 request: "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        XCTAssertTrue(control.connected, "the control handshake failed: \(control.detail ?? "-")")
        XCTAssertEqual(control.detail, "TLSv1.2")
        XCTAssertTrue(control.reply?.hasSuffix("yes") ?? false)
    }

    func testBadKeyFailsAtStart() {
        let server = Server(configuration: ServerConfiguration(port: 0, tls: TLSConfiguration(certificatePath: dir + "/nope.pem", privateKeyPath: dir + "/key.pem")),
                            handler: HandlerClosure { _ in .text("") })
        XCTAssertThrowsError(try server.start())
    }

    func testPlainClientOnTLSPortIsDropped() throws {
        var limits = HTTPLimits()
        limits.headDeadline = 1
        let server = try startServer(limits: limits, tls: TLSConfiguration(certificatePath: dir + "/cert.pem", privateKeyPath: dir + "/key.pem"),
                                     handler: HandlerClosure { _ in .text("no") })
        defer { server.shutdown() }
        let c = try TestClient(port: server.port)
        c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertTrue(c.isClosedByPeer())
    }

    /// Issue 18: with TLS on, every response carries Strict-Transport-Security — a route that
    /// opts out of the security headers and a 404 included — and over plain HTTP none does (a
    /// browser ignores it there, and an onion service has no certificate).
    func testStrictTransportSecurityOnEveryTLSResponseAndNeverOverPlainHTTP() throws {
        let router = Router()
        router.get("/page") { _ in .text("page") }
        router.get("/bare", options: RouteOptions(securityHeaders: false)) { _ in .text("bare") }
        let tls = TLSConfiguration(certificatePath: dir + "/cert.pem", privateKeyPath: dir + "/key.pem")
        let server = try startServer(tls: tls, handler: router.makeHandler())
        defer { server.shutdown() }
        for path in ["/page", "/bare", "/missing"] {
            let (reply, _) = tlsRequest(port: server.port, maxVersion: candor_tls1_3_version(),
                                        request: "GET \(path) HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            XCTAssertTrue(reply?.contains("\r\nStrict-Transport-Security: max-age=63072000; includeSubDomains\r\n") ?? false,
                          "\(path): \(reply ?? "no reply")")
        }
        let plain = try startServer(handler: router.makeHandler())
        defer { plain.shutdown() }
        let c = try TestClient(port: plain.port)
        c.send("GET /page HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        let response = try XCTUnwrap(c.readResponse())
        XCTAssertEqual(response.status, 200)
        XCTAssertNil(response.header("Strict-Transport-Security"))
    }

    /// A TLS connection kept open, for tests that act between its requests.
    final class KeptConnection {
        let ctx: OpaquePointer
        let ssl: OpaquePointer
        let client: TestClient
        init(port: Int) throws {
            ctx = SSL_CTX_new(TLS_client_method())
            client = try TestClient(port: port)
            ssl = SSL_new(ctx)
            SSL_set_fd(ssl, client.fd)
            guard SSL_connect(ssl) == 1 else { throw ServerError(message: "handshake") }
        }
        deinit {
            SSL_free(ssl)
            SSL_CTX_free(ctx)
        }
        /// The subject CN of the certificate the server presented.
        var peerCommonName: String {
            guard let cert = SSL_get1_peer_certificate(ssl) else { return "" }
            defer { X509_free(cert) }
            var buf = [CChar](repeating: 0, count: 256)
            X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, &buf, Int32(buf.count))
            return String(cString: buf)
        }
        /// Sends one request and reads until `until` appears in the reply (or the peer closes).
        func request(_ text: String, until: String) -> String {
            _ = text.withCString { SSL_write(ssl, $0, Int32(strlen($0))) }
            var reply = [UInt8]()
            var buf = [UInt8](repeating: 0, count: 16384)
            while !String(decoding: reply, as: UTF8.self).contains(until) {
                let n = buf.withUnsafeMutableBytes { SSL_read(ssl, $0.baseAddress, Int32($0.count)) }
                if n <= 0 { break }
                reply += buf[0..<Int(n)]
            }
            return String(decoding: reply, as: UTF8.self)
        }
    }

    /// Issue 18: SIGHUP re-reads a renewed certificate; new connections get it, and a
    /// connection open across the reload goes on being served.
    func testSIGHUPReloadsTheCertificateWithoutDroppingConnections() throws {
        let server = try startServer(tls: TLSConfiguration(certificatePath: dir + "/cert.pem", privateKeyPath: dir + "/key.pem"),
                                     handler: HandlerClosure { req in .text("served \(req.path)") })
        defer { server.shutdown() }
        let reloaded = DispatchSemaphore(value: 0)
        server.installSignalHandlers { error in
            XCTAssertNil(error)
            reloaded.signal()
        }
        let before = try KeptConnection(port: server.port)
        XCTAssertEqual(before.peerCommonName, "localhost")
        XCTAssertTrue(before.request("GET /first HTTP/1.1\r\nHost: x\r\n\r\n", until: "served /first").contains("served /first"))

        try makeSelfSigned(certPath: dir + "/cert.pem", keyPath: dir + "/key.pem", commonName: "renewed.localhost")
        kill(getpid(), SIGHUP)
        XCTAssertEqual(reloaded.wait(timeout: .now() + 10), .success, "the reload ran")

        let after = try KeptConnection(port: server.port)
        XCTAssertEqual(after.peerCommonName, "renewed.localhost")
        XCTAssertTrue(after.request("GET /new HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", until: "served /new").contains("served /new"))
        let second = before.request("GET /second HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", until: "served /second")
        XCTAssertTrue(second.contains("served /second"), "the connection open across the reload: \(second)")
    }

    /// A renewed file that does not load leaves the old certificate serving.
    func testAReloadOfABrokenFileKeepsTheOldCertificate() throws {
        let server = try startServer(tls: TLSConfiguration(certificatePath: dir + "/cert.pem", privateKeyPath: dir + "/key.pem"),
                                     handler: HandlerClosure { _ in .text("yes") })
        defer { server.shutdown() }
        try Data("not a certificate".utf8).write(to: URL(fileURLWithPath: dir + "/cert.pem"))
        XCTAssertThrowsError(try server.reloadTLS())
        XCTAssertEqual(try KeptConnection(port: server.port).peerCommonName, "localhost")
    }
}
