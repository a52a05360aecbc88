import Casefile
import Casework
import Foundation
import Gateway
import Glibc
import HTTPCore
import Vault

extension CandorCLI {
    static let serveOptions: Set<String> = commonOptions.union(["templates", "openapi", "host", "port", "tls-cert", "tls-key", "hsts-preload", "onion-location"])

    static func serveCommand(_ args: Arguments) throws -> Int32 {
        try args.rejectUnknown(serveOptions)
        do {
            let ledger = try openLedger(args)
            return try serve(ledger, args, demo: false)
        } catch {
            // The one line journald keeps of why the service is down (the full text goes to the terminal too).
            EventLog.standardError.emit("fatal", level: .error, [("reason", String(describing: error))])
            throw error
        }
    }

    /// Runs the gateway until SIGTERM or SIGINT, then finishes requests in flight.
    static func serve(_ ledger: Ledger, _ args: Arguments, demo: Bool, log: EventLog = .standardError) throws -> Int32 {
        try startChecks(ledger, args, log: log)
        let templates = URL(fileURLWithPath: args.value("templates", default: "./Templates"))
        var tls: TLSConfiguration?
        switch (args.value("tls-cert"), args.value("tls-key")) {
        case let (cert?, key?): tls = TLSConfiguration(certificatePath: cert, privateKeyPath: key)
        case (nil, nil): tls = nil
        default: throw Arguments.Invalid(description: "--tls-cert and --tls-key go together")
        }
        let options = appOptions(args, templates: templates, demo: demo, tls: tls != nil)
        let app = try GatewayApp(ledger: ledger, templates: templates, options: options)
        var limits = HTTPLimits()
        limits.maxStreamedBody = options.uploads.maxRequestBytes
        let host = args.value("host", default: "127.0.0.1")
        let port = try args.int("port", default: 8080)
        var configuration = ServerConfiguration(host: host, port: port, limits: limits, tls: tls)
        if args.flag("hsts-preload") { configuration.strictTransportSecurity = ServerConfiguration.strictTransportDefault + "; preload" }
        let server = Server(configuration: configuration, handler: app.handler)
        // Notices go from their own thread; requests only queue them. Made before the server
        // starts, so an unreadable password file stops start-up with its reason.
        let worker = try MailTransports.make(ledger.settings.notifications).map { NotificationWorker(ledger: ledger, transport: $0, log: log) }
        try server.start()
        // The look-alike account for unknown logins, made now so no first login pays for it.
        // Waited for before the ledger closes: a process that exits while this thread is inside
        // OpenSSL runs OpenSSL's exit-time clean-up under it (a crash on an early SIGTERM).
        let lookAlikeMade = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            try? ledger.prepareLookAlike()
            lookAlikeMade.signal()
        }
        server.installSignalHandlers { failure in
            if let failure {
                log.emit("tls_reload_failed", level: .error, [("reason", String(describing: failure)), ("serving", "the previous certificate")])
            } else {
                log.emit("tls_reloaded")
            }
        }
        worker?.start()
        if worker != nil { Terminal.say("Sending staff notices by \(ledger.settings.notifications.transport.rawValue).") }
        Terminal.say("Candor\(demo ? " demo" : "") serving on \(tls == nil ? "http" : "https")://\(host.contains(":") ? "[\(host)]" : host):\(server.port)/ (SIGTERM or Ctrl-C to stop)")
        log.emit("start", [("demo", String(demo)), ("listen", "\(host):\(server.port)"), ("tls", tls == nil ? "off" : "on"),
                           ("mail", worker == nil ? "off" : ledger.settings.notifications.transport.rawValue)])
        server.waitUntilStopped()
        worker?.stop()
        lookAlikeMade.wait()
        try ledger.close()
        log.emit("stop")
        Terminal.say("stopped")
        return 0
    }

    /// How the app serves: demo or not, cookies for TLS, the settings file, the API document.
    static func appOptions(_ args: Arguments, templates: URL, demo: Bool, tls: Bool) -> GatewayApp.Options {
        var options = GatewayApp.Options()
        options.demo = demo
        options.secureCookies = tls
        options.settingsFile = folders(args).settings
        // Tests only: the end-to-end run lets a reporter's session run out within its time.
        if let seconds = ProcessInfo.processInfo.environment["CANDOR_REPORTER_SESSION_SECONDS"].flatMap(Int64.init), seconds > 0 {
            options.reporterIdleSeconds = seconds
        }
        options.onionLocation = args.value("onion-location")
        // The API's contract sits in docs/ beside the templates folder unless named.
        let openAPI = args.value("openapi") ?? templates.deletingLastPathComponent().appendingPathComponent("docs/openapi.json").path
        options.openAPIPath = FileManager.default.fileExists(atPath: openAPI) || args.value("openapi") != nil ? openAPI : nil
        return options
    }

    /// Issue 13: a report naming its usual reader must still reach someone, so the server does
    /// not start while an alternate is missing or could not stand in (`Alternates.problems`).
    static func checkAlternates(_ ledger: Ledger) throws {
        let problems = try ledger.alternatesProblems(ledger.settings.alternates)
        guard problems.isEmpty else {
            throw Ledger.Problem(description: "refusing to start: the alternates in the settings will not do:\n  "
                                 + problems.map(\.description).joined(separator: "\n  ")
                                 + "\nSet them in settings.json (alternates) to accounts that read and hold no seat.")
        }
    }

    /// The demo's data, keys and settings, made on first run; every file 0600, folders 0700.
    static func demoSetup(_ folders: (data: URL, keys: URL, settings: URL)) throws -> Ledger {
        let (dataURL, keysURL, settingsURL) = folders
        let accountsFile = dataURL.appendingPathComponent("demo-accounts.json")
        let fresh = !FileManager.default.fileExists(atPath: dataURL.appendingPathComponent(Ledger.databaseName).path)
        var settings = try loadSettings(settingsURL)
        if fresh && settings.alternates == Alternates() {
            // Written before the ledger opens: the command line sets the demo's alternates itself.
            settings.alternates = DemoOrganisation.alternates
            try PrivateFiles.write(try settings.encodedJSON(), to: settingsURL)
        }
        let keys: KeyFolder
        if FileManager.default.fileExists(atPath: keysURL.appendingPathComponent(KeyFolder.pepperFile).path) {
            keys = try KeyFolder(url: keysURL)
        } else {
            let (created, recovery) = try KeyFolder.create(at: keysURL)
            keys = created
            try PrivateFiles.createFolder(dataURL)
            try RecoveryKeyFile.writeNew(RecoveryKeyFile.encode(recovery), to: dataURL.appendingPathComponent("demo-recovery.key").path)
        }
        let ledger = try Ledger(dataFolder: dataURL, keys: keys, settings: settings)
        if fresh {
            try DemoOrganisation.build(ledger, accountsFile: accountsFile)
        }
        return ledger
    }

    static func demoCommand(_ args: Arguments) throws -> Int32 {
        try args.rejectUnknown(serveOptions)
        let host = args.value("host", default: "127.0.0.1")
        guard host == "127.0.0.1" || host == "::1" || host == "localhost" else {
            throw Arguments.Invalid(description: "the demo serves on loopback only (127.0.0.1); use `candor serve` for a real installation")
        }
        let (dataURL, _, _) = folders(args)
        let accountsFile = dataURL.appendingPathComponent("demo-accounts.json")
        let ledger = try demoSetup(folders(args))
        if let data = FileManager.default.contents(atPath: accountsFile.path) {
            Terminal.say("Demo accounts (also in \(accountsFile.path)):")
            for account in (try? JSONDecoder().decode([DemoOrganisation.Entry].self, from: data)) ?? [] {
                Terminal.say("  \(account.login.padding(toLength: 16, withPad: " ", startingAt: 0)) \(account.role)\(account.seat.map { "/\($0)" } ?? "")  password: \(account.password)  TOTP secret: \(account.totpSecret)")
            }
        }
        return try serve(ledger, args, demo: true)
    }
}

/// The demo organisation: one of each role, with random passwords and enrolled TOTP secrets.
enum DemoOrganisation {
    struct Entry: Codable {
        var login: String
        var password: String
        var role: String
        var seat: String?
        var totpSecret: String

        enum CodingKeys: String, CodingKey {
            case login, password, role, seat
            case totpSecret = "totp_secret"
        }
    }

    static let people: [(login: String, name: String, role: Role, seat: Seat?, employeeID: String?)] = [
        ("head", "王建国", .head, nil, "E1001"),
        ("inspector1", "李娜", .inspector, nil, "E1002"),
        ("inspector2", "张伟", .inspector, nil, "E1003"),
        ("chairman", "赵敏", .approver, .chairman, "E0001"),
        ("secretary", "钱伟", .approver, .partySecretary, "E0002"),
        ("admin", "系统管理员", .admin, nil, nil),
        ("auditor", "审计员", .auditor, nil, nil),
        // Issue 13: alternates who hold no seat, so that a report naming a leader still has a
        // leader to approve it (监事会主席 for the chairman, 党委副书记 for the party secretary).
        ("supervisor", "孙立", .approver, nil, "E0003"),
        ("deputysecretary", "周琳", .approver, nil, "E0004"),
    ]

    static let alternates = Alternates(intake: "inspector2", chairman: "supervisor", partySecretary: "deputysecretary")

    static func build(_ ledger: Ledger, accountsFile: URL) throws {
        var entries: [Entry] = []
        for person in people {
            // 16 characters of base32: 80 bits, readable aloud, over the 12-character floor.
            let password = String(Base32.encode(try Random.bytes(10), padding: false).lowercased())
            let account = try ledger.createAccount(login: person.login, displayName: person.name, employeeID: person.employeeID,
                                                   role: person.role, seat: person.seat, password: password, actor: "cli:demo",
                                                   commandLine: true)
            let secret = try TOTP.generateSecret()
            try ledger.enrollTOTP(accountID: account.id, secret: secret, actor: "cli:demo")
            entries.append(Entry(login: person.login, password: password, role: person.role.rawValue,
                                 seat: person.seat?.rawValue, totpSecret: Base32.encode(secret.unsafeCopyToArray(), padding: false)))
        }
        // The first head was the bootstrap; the demo's head confirms the others, as a real head would.
        if let head = try ledger.account(login: "head") {
            for change in try ledger.pendingReaderChanges() { try ledger.confirmReaderChange(change.id, by: head.id, settingsFile: nil) }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(entries)
        let fd = open(accountsFile.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Ledger.Problem(description: "cannot write \(accountsFile.path)") }
        defer { close(fd) }
        _ = data.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }
}
