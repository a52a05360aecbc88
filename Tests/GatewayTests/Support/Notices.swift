@testable import Casefile
import Casework
@testable import ConsoleSite
import Courier
import Foundation
@testable import Gateway
@testable import ReporterSite
import SQLiteDB
@testable import SiteKit
import TestSupport

/// Settings that send notices by SMTP to a sink on `port` (plain, for the sink on loopback).
func notifyingSettings(port: Int = 1, base: Settings = .default) -> Settings {
    var s = base
    s.notifications = NotificationSettings(transport: .smtp, smtpHost: "127.0.0.1", smtpPort: port, smtpStartTLSRequired: false,
                                           from: "candor@corp.example", consoleURL: "https://candor.corp.example/console")
    return s
}

func sinkTransport(_ port: Int) -> SMTPClient {
    SMTPClient(configuration: SMTPConfiguration(host: "127.0.0.1", port: port, requireSTARTTLS: false, timeout: 3))
}

/// A port nothing listens on (a sink opened and closed), for "the relay is down".
func closedPort() throws -> Int {
    let sink = try SMTPSink()
    let port = sink.port
    sink.stop()
    return port
}

struct OutboxRow: Equatable {
    var login: String
    var kind: String
    var state: String
    var attempts: Int
    var error: String?
}

extension Ledger {
    /// Gives each login an address `<login>@corp.example` and the preference.
    func giveAddresses(_ logins: [String], notify: NotifyPreference = .immediate) throws {
        for login in logins { try setNotification(login: login, email: "\(login)@corp.example", notify: notify, actor: "test") }
    }

    func outboxRows() throws -> [OutboxRow] {
        try outboxEntries().reversed().map { OutboxRow(login: $0.login, kind: $0.kind, state: $0.state, attempts: $0.attempts, error: $0.lastError) }
    }

    func queuedLogins() throws -> [String] {
        try outboxRows().filter { $0.state == "queued" }.map(\.login).sorted()
    }

    func clearOutbox() throws {
        try pool.write { db in try db.execute("DELETE FROM outbox") }
    }
}

let everyone = ["head", "inspector1", "inspector2", "chairman", "secretary", "admin", "auditor"]
