import Foundation
import Synchronization
import TestSupport
import XCTest
@testable import Courier

/// The client against the Swift sink in Support/: plain, STARTTLS with a pinned CA, refusals.
final class SMTPClientTests: XCTestCase {
    var dir = ""

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "candor-smtp-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    func message(body: String = "hello") throws -> MailMessage {
        MailMessage(from: try MailAddress("candor@example.org"), to: try MailAddress("head@example.org"),
                    subject: "Something is waiting for you in the console", body: body, date: 1_795_000_000)
    }

    func plain(_ port: Int, requireTLS: Bool = false, user: String? = nil) -> SMTPClient {
        SMTPClient(configuration: SMTPConfiguration(host: "127.0.0.1", port: port, requireSTARTTLS: requireTLS, user: user,
                                                    password: user == nil ? nil : "relay-secret", timeout: 5))
    }

    func testPlainDeliveryRecordsEnvelopeAndData() throws {
        let sink = try SMTPSink()
        defer { sink.stop() }
        let m = try message()
        try plain(sink.port).send(m)
        let got = sink.wait(for: 1)
        XCTAssertEqual(got.count, 1)
        XCTAssertEqual(got[0].mailFrom, "<candor@example.org>")
        XCTAssertEqual(got[0].recipients, ["<head@example.org>"])
        XCTAssertEqual(got[0].data, try m.rendered())
        XCTAssertFalse(got[0].overTLS)
        XCTAssertEqual(sink.commandLog.last, "QUIT")
    }

    func testConnectionRefusedIsNamed() throws {
        let sink = try SMTPSink()
        let port = sink.port
        sink.stop()
        XCTAssertThrowsError(try plain(port).send(try message())) { error in
            XCTAssertEqual(error as? CourierError, .connectionRefused(host: "127.0.0.1", port: port))
            XCTAssertEqual(String(describing: error), "connection refused by 127.0.0.1:\(port)")
        }
    }

    func testRecipientRefusedCarriesTheServersReply() throws {
        let sink = try SMTPSink(.init(refuseRecipient: "head@example.org"))
        defer { sink.stop() }
        XCTAssertThrowsError(try plain(sink.port).send(try message())) { error in
            guard case .recipientRefused(let reply)? = error as? CourierError else { return XCTFail("\(error)") }
            XCTAssertEqual(reply.code, 550)
            XCTAssertEqual(reply.text, "5.1.1 mailbox unavailable")
            XCTAssertTrue((error as! CourierError).isPermanent)
        }
        XCTAssertEqual(sink.received.count, 0)
    }

    func testSTARTTLSRequiredButNotOfferedIsRefusedBeforeAnyEnvelope() throws {
        let sink = try SMTPSink()
        defer { sink.stop() }
        XCTAssertThrowsError(try plain(sink.port, requireTLS: true).send(try message())) { error in
            guard case .tls? = error as? CourierError else { return XCTFail("\(error)") }
        }
        XCTAssertFalse(sink.commandLog.contains { $0.hasPrefix("MAIL") })
    }

    func testPasswordIsNeverSentWithoutTLS() throws {
        let sink = try SMTPSink()
        defer { sink.stop() }
        XCTAssertThrowsError(try plain(sink.port, user: "notices").send(try message())) { error in
            guard case .tls? = error as? CourierError else { return XCTFail("\(error)") }
        }
        XCTAssertFalse(sink.commandLog.contains { $0.uppercased().hasPrefix("AUTH") })
    }

    func tlsSink(commonName: String) throws -> (SMTPSink, TestCertificate) {
        let cert = try TestCertificate(commonName: commonName, in: dir)
        let sink = try SMTPSink(.init(certificate: .init(certificate: cert.certificatePath, key: cert.keyPath)))
        return (sink, cert)
    }

    func tlsClient(_ port: Int, ca: String, user: String? = "notices", password: String = "relay-secret") -> SMTPClient {
        SMTPClient(configuration: SMTPConfiguration(host: "localhost", port: port, requireSTARTTLS: true, user: user,
                                                    password: password, pinnedCAFile: ca, timeout: 5))
    }

    func testSTARTTLSWithPinnedCAThenAuthThenDelivery() throws {
        let (sink, cert) = try tlsSink(commonName: "localhost")
        defer { sink.stop() }
        try tlsClient(sink.port, ca: cert.certificatePath).send(try message())
        let got = sink.wait(for: 1)
        XCTAssertEqual(got.count, 1)
        XCTAssertTrue(got[0].overTLS)
        XCTAssertEqual(got[0].authenticatedUser, "notices")
        // AUTH came after STARTTLS and the second EHLO, never before.
        let log = sink.commandLog
        let start = try XCTUnwrap(log.firstIndex(of: "STARTTLS"))
        let auth = try XCTUnwrap(log.firstIndex { $0.hasPrefix("AUTH PLAIN") })
        XCTAssertLessThan(start, auth)
        XCTAssertTrue(log[start + 1].hasPrefix("EHLO"))
    }

    func testCertificateForAnotherHostIsRefused() throws {
        let (sink, cert) = try tlsSink(commonName: "mail.elsewhere.example")
        defer { sink.stop() }
        XCTAssertThrowsError(try tlsClient(sink.port, ca: cert.certificatePath).send(try message())) { error in
            guard case .tls(let why)? = error as? CourierError else { return XCTFail("\(error)") }
            XCTAssertTrue(why.contains("certificate"), why)
        }
        XCTAssertEqual(sink.received.count, 0)
        XCTAssertFalse(sink.commandLog.contains { $0.hasPrefix("AUTH") })
    }

    func testCertificateFromAnUntrustedCAIsRefused() throws {
        let (sink, _) = try tlsSink(commonName: "localhost")
        defer { sink.stop() }
        let other = try TestCertificate(commonName: "other-ca", in: dir)
        XCTAssertThrowsError(try tlsClient(sink.port, ca: other.certificatePath).send(try message())) { error in
            guard case .tls? = error as? CourierError else { return XCTFail("\(error)") }
        }
        XCTAssertEqual(sink.received.count, 0)
    }

    func testWrongPasswordIsAuthRefusedWithReply() throws {
        let (sink, cert) = try tlsSink(commonName: "localhost")
        defer { sink.stop() }
        XCTAssertThrowsError(try tlsClient(sink.port, ca: cert.certificatePath, password: "wrong").send(try message())) { error in
            guard case .authRefused(let reply)? = error as? CourierError else { return XCTFail("\(error)") }
            XCTAssertEqual(reply.code, 535)
            XCTAssertTrue(String(describing: error).contains("535 5.7.8"))
        }
        XCTAssertEqual(sink.received.count, 0)
    }

    func testSilentServerTimesOut() throws {
        // A listener that accepts (the kernel does) and never says a word.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        listen(fd, 4)
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &addr) { _ = $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        let client = SMTPClient(configuration: SMTPConfiguration(host: "127.0.0.1", port: Int(UInt16(bigEndian: addr.sin_port)),
                                                                 requireSTARTTLS: false, timeout: 0.3))
        // The listener never speaks, so without the timeout the send would never return; the
        // bounded wait only guards against that hang, the outcome is the error it names.
        let outcome = Mutex<(any Error)?>(nil)
        let returned = DispatchSemaphore(value: 0)
        let m = try message()
        Thread.detachNewThread {
            do { try client.send(m) } catch { outcome.withLock { $0 = error } }
            returned.signal()
        }
        XCTAssertEqual(returned.wait(timeout: .now() + 30), .success, "the send returned")
        XCTAssertEqual(outcome.withLock { $0 } as? CourierError, .timedOut(during: "greeting"))
    }

    func testDotStuffing() {
        let stuffed = SMTPClient.dotStuffed(Array("a\r\n.b\n..c\r\nd".utf8))
        XCTAssertEqual(String(decoding: stuffed, as: UTF8.self), "a\r\n..b\r\n...c\r\nd\r\n.\r\n")
        XCTAssertEqual(String(decoding: SMTPClient.dotStuffed(Array(".\r\n".utf8)), as: UTF8.self), "..\r\n.\r\n")
    }
}
