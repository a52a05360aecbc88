import Casefile
import Casework
import Foundation
import HTTPCore
import Glibc
import Vault

/// The `candor` command line. Each command is a function from arguments to an exit status, so
/// tests run them without a process.
public enum CandorCLI {
    struct Command {
        let name: String
        let summary: String
        let run: (Arguments) throws -> Int32
    }

    static var commands: [Command] {
        [
            Command(name: "init", summary: "create the data folder, the database, the keys (pepper, audit key, recovery key pair) and the first admin", run: initCommand),
            Command(name: "serve", summary: "run the gateway (--templates, --host 127.0.0.1, --port 8080, --tls-cert/--tls-key)", run: serveCommand),
            Command(name: "check", summary: "check the installation (settings, alternates, modes, keys, TLS files, clock, disk); exits 1 on any failure", run: checkCommand),
            Command(name: "demo", summary: "build a demo organisation in the data folder if there is none, print its logins, serve on 127.0.0.1", run: demoCommand),
            Command(name: "user", summary: "user add|list|disable|enable|reset|email: manage staff accounts and where their notices go", run: userCommand),
            Command(name: "recover", summary: "re-seal cases for a staff member with the offline recovery key", run: recoverCommand),
            Command(name: "recovery", summary: "recovery rotate --old-key FILE --out NEWFILE: a new recovery key pair; every recovery grant re-sealed to it (stop the server first)", run: recoveryCommand),
            Command(name: "audit", summary: "audit verify [--checkpoint FILE]: check the audit log's hash chain (and that it still reaches a checkpoint); audit checkpoint [--out FILE]: a line to keep outside the server; exits 1 on any break", run: auditCommand),
            Command(name: "backup", summary: "backup DIR: a consistent copy of the data while the server runs (not the key folder)", run: backupCommand),
            Command(name: "restore", summary: "restore DIR: verify a backup and copy it into an empty --data folder, checked against --keys", run: restoreCommand),
            Command(name: "migrate", summary: "migrate [--dry-run]: run (or list) the schema migrations the next start would run; back up first", run: migrateCommand),
            Command(name: "purge", summary: "purge --dry-run|--yes: crypto-shred closed cases past their retention period", run: purgeCommand),
            Command(name: "keys", summary: "keys signing-init: make the department's Ed25519 signing key (an installation from before it); keys signing-public: print its public half", run: keysCommand),
            Command(name: "export", summary: "export CASE: one file sealed to a recipient and signed by the department; export verify|open|keygen (docs/export-format.md)", run: exportCommand),
            Command(name: "bench-seed", summary: "bench-seed --cases N [--days D] [--files-mib M]: fill a demo installation with cases through the real intake (`make bench-console`), and with M MiB of staff evidence on its open cases (`make bench-backup`)", run: benchSeedCommand),
            Command(name: "bench-http-server", summary: "serve a fixed page on --port for `make bench-http` (no data, no keys)", run: benchServerCommand),
        ]
    }

    public static func main(_ words: [String]) -> Int32 {
        let name = words.first ?? "--help"
        if name == "--help" || name == "-h" || name == "help" {
            Terminal.say(usage)
            return 0
        }
        guard let command = commands.first(where: { $0.name == name }) else {
            Terminal.warn("candor: unknown command '\(name)'\n\n\(usage)")
            return 2
        }
        do {
            let args = try Arguments(Array(words.dropFirst()))
            if args.flag("help") {
                Terminal.say(usage)
                return 0
            }
            return try command.run(args)
        } catch {
            Terminal.warn("candor \(name): \(error)")
            return 1
        }
    }

    static var usage: String {
        var lines = [
            "candor — a confidential whistleblowing gateway (举报平台)",
            "",
            "usage: candor COMMAND [options]",
            "",
            "commands:",
        ]
        for c in commands { lines.append("  " + c.name.padding(toLength: 10, withPad: " ", startingAt: 0) + c.summary) }
        lines += [
            "",
            "options every command takes:",
            "  --data DIR       the data folder (default ./data)",
            "  --keys DIR       the key folder (default ./Keys)",
            "  --settings FILE  the settings JSON (default DATA/settings.json; see docs/configuration.md)",
            "",
            "init:   --admin LOGIN [--admin-name NAME] [--password-file FILE] [--recovery-key-out FILE]",
            "        [--intake-alternate LOGIN] [--chairman-alternate LOGIN] [--party-secretary-alternate LOGIN]  (asked for when not given)",
            "user:   user add LOGIN --name NAME --role head|inspector|approver|admin|auditor [--seat chairman|party_secretary]",
            "             [--employee-id ID] [--post POST] [--password-file FILE]",
            "        user list | user disable LOGIN | user enable LOGIN | user reset LOGIN [--password-file FILE]",
            "        user email LOGIN ADDRESS [--notify immediate|digest|none]   (ADDRESS - removes it)",
            "recover: --recovery-key FILE --to LOGIN (--case REF | --all-assigned | --unheld)",
            "recovery: recovery rotate --old-key FILE --out NEWFILE   (NEWFILE must not exist; stop the server first)",
            "audit:  audit verify [--checkpoint FILE] | audit checkpoint [--out FILE] | audit rotate (a new audit key; stop the server first)",
            "backup: backup DIR   (DIR new or empty; Keys/ is not included: back it up separately)",
            "restore: restore DIR --data NEW_DATA_DIR --keys KEYS_DIR",
            "purge:  purge --dry-run | purge --yes   (cases under legal hold are never purged)",
            "keys:   keys signing-init | keys signing-public | keys signing-rotate (stop the server first)",
            "export: export CASE --to RECIPIENT.pub --out FILE --recovery-key FILE [--with-identity]",
            "        export verify FILE --signer DEPT.pub | export open FILE --key RECIPIENT.key --out DIR [--signer DEPT.pub]",
            "        export keygen --out NAME   (NAME.pub and NAME.key: a recipient's key pair)",
            "serve:  [--templates DIR (./Templates)] [--openapi FILE (DIR/../docs/openapi.json)] [--host 127.0.0.1] [--port 8080] [--tls-cert PEM --tls-key PEM [--hsts-preload]] [--onion-location http://ADDRESS.onion]",
            "demo:   the same options; loopback only; accounts in DATA/demo-accounts.json",
            "check:  [--tls-cert PEM --tls-key PEM]   (the data, key and settings options as every command)",
        ]
        return lines.joined(separator: "\n")
    }

    static let commonOptions: Set<String> = ["data", "keys", "settings"]

    static func folders(_ args: Arguments) -> (data: URL, keys: URL, settings: URL) {
        let data = URL(fileURLWithPath: args.value("data", default: "./data"))
        let keys = URL(fileURLWithPath: args.value("keys", default: "./Keys"))
        let settings = args.value("settings").map { URL(fileURLWithPath: $0) } ?? data.appendingPathComponent("settings.json")
        return (data, keys, settings)
    }

    /// Reads the settings file, writing the defaults there first if there is none.
    static func loadSettings(_ url: URL) throws -> Settings {
        if let data = FileManager.default.contents(atPath: url.path) {
            return try Settings.load(json: Array(data))
        }
        try PrivateFiles.write(try Settings.default.encodedJSON(), to: url)
        return .default
    }

    static func openLedger(_ args: Arguments) throws -> Ledger {
        let (data, keys, settings) = folders(args)
        guard FileManager.default.fileExists(atPath: data.appendingPathComponent(Ledger.databaseName).path) else {
            throw Ledger.Problem(description: "no Candor database in \(data.path): run `candor init` first, or pass --data")
        }
        return try Ledger(dataFolder: data, keys: try KeyFolder(url: keys), settings: try loadSettings(settings))
    }

    static func password(_ args: Arguments, for login: String) throws -> String {
        if let file = args.value("password-file") {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw Arguments.Invalid(description: "cannot read --password-file \(file)")
            }
            return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .newlines)
        }
        guard let first = Terminal.readSecret(prompt: "Password for \(login) (at least 12 characters): ") else {
            throw Arguments.Invalid(description: "no password given: type it, or pass --password-file")
        }
        if isatty(STDIN_FILENO) == 1 {
            guard Terminal.readSecret(prompt: "Again: ") == first else {
                throw Arguments.Invalid(description: "the two passwords differ")
            }
        }
        return first
    }

    static func initCommand(_ args: Arguments) throws -> Int32 {
        try args.rejectUnknown(commonOptions.union(["admin", "admin-name", "password-file", "recovery-key-out"] + alternateOptions.map(\.option)))
        guard let admin = args.value("admin") else {
            throw Arguments.Invalid(description: "name the first administrator's login with --admin LOGIN")
        }
        let (dataURL, keysURL, settingsURL) = folders(args)
        if FileManager.default.fileExists(atPath: dataURL.appendingPathComponent(Ledger.databaseName).path) {
            throw Ledger.Problem(description: "\(dataURL.path) already holds a Candor database; refusing to initialise over it")
        }
        let password = try password(args, for: admin)
        try PasswordRules.check(password, login: admin)
        let settings = try initialAlternates(args, settings: try loadSettings(settingsURL), file: settingsURL)
        let (keys, recovery) = try KeyFolder.create(at: keysURL)
        let ledger = try Ledger(dataFolder: dataURL, keys: keys, settings: settings)
        defer { try? ledger.close() }
        try ledger.createAccount(login: admin, displayName: args.value("admin-name", default: "系统管理员 Administrator"),
                                 employeeID: nil, role: .admin, seat: nil, password: password, actor: "cli:init")
        let text = RecoveryKeyFile.encode(recovery)
        if let out = args.value("recovery-key-out") {
            try RecoveryKeyFile.writeNew(text, to: out)
            Terminal.say("The recovery private key is in \(out). Move it offline now (print it, or a USB key in a safe) and delete it from this machine: the server never keeps it.")
        } else {
            Terminal.say("The recovery private key follows. It is shown ONCE and never kept by the server. Store it offline:\n\n\(text)")
        }
        Terminal.say("The department's signing key is in \(keysURL.path)/signing.key. Its public half, for the bodies that will receive exports (`candor keys signing-public` prints it again): \(hex(try keys.signingPublicKey().rawRepresentation))")
        Terminal.say("Initialised: data in \(dataURL.path), keys in \(keysURL.path), settings in \(settingsURL.path).")
        Terminal.say("Now create, from this machine, the head and the two seat holders and the alternates named in the settings (`candor user add`): the first head is in force at once, every later reader waits for a head or a seat holder to confirm it in the console. `candor serve` refuses to start until every alternate names such an account.")
        return 0
    }

    static func userCommand(_ args: Arguments) throws -> Int32 {
        try args.rejectUnknown(commonOptions.union(["name", "role", "seat", "employee-id", "post", "password-file", "notify"]))
        let ledger = try openLedger(args)
        defer { try? ledger.close() }
        switch args.positional.first {
        case "list":
            for a in try ledger.accounts() {
                Terminal.say([a.login, a.role.rawValue, a.seat?.rawValue ?? "-", a.displayName, a.employeeID ?? "-",
                              a.disabled ? "disabled" : (a.totpEnrolled ? "active" : "active (TOTP not enrolled)"),
                              a.email.map { "\($0) (\(a.notify.rawValue))" } ?? "no e-mail"].joined(separator: "\t"))
            }
            return 0
        case "add":
            guard args.positional.count == 2, let name = args.value("name"), let roleText = args.value("role") else {
                throw Arguments.Invalid(description: "usage: candor user add LOGIN --name NAME --role ROLE [--seat SEAT]")
            }
            guard let role = Role(rawValue: roleText) else {
                throw Arguments.Invalid(description: "--role is one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let seat = try args.value("seat").map { text -> Seat in
                guard let s = Seat(rawValue: text) else { throw Arguments.Invalid(description: "--seat is chairman or party_secretary") }
                return s
            }
            let login = args.positional[1]
            let account = try ledger.createAccount(login: login, displayName: name, employeeID: args.value("employee-id"),
                                                   role: role, seat: seat, post: args.value("post"),
                                                   password: try password(args, for: login), actor: "cli", commandLine: true)
            Terminal.say("Created \(account.login) (\(account.role.rawValue)). They enrol TOTP at their first login.")
            if account.readingPending { Terminal.say(awaitingNotice) }
            return 0
        case "email":
            return try userEmail(ledger, args)
        case "disable", "enable":
            guard args.positional.count == 2 else { throw Arguments.Invalid(description: "usage: candor user disable LOGIN") }
            try ledger.setDisabled(login: args.positional[1], args.positional[0] == "disable", actor: "cli", commandLine: true)
            Terminal.say("\(args.positional[1]) \(args.positional[0])d.")
            if try ledger.account(login: args.positional[1])?.readingPending == true { Terminal.say(awaitingNotice) }
            return 0
        case "reset":
            return try userResetCommand(ledger, args)
        default:
            throw Arguments.Invalid(description: "usage: candor user add|list|disable|enable|reset|email …")
        }
    }

    /// Issue 13: what the operator is told when a change of reading power waits for a second person.
    static let awaitingNotice = "This account holds nothing until a head or a seat holder (not the one who asked) confirms the change in the console: Confirmations (/console/confirmations)."

    static func benchServerCommand(_ args: Arguments) throws -> Int32 {
        try args.rejectUnknown(commonOptions.union(["port"]))  // --data and --keys are accepted and unused: it serves no data
        try runBenchServer(port: try args.int("port", default: 8081))
        return 0
    }
}

/// The recovery private key as the operator keeps it: a short text file.
enum RecoveryKeyFile {
    static let file = PrivateKeyFile(header: "CANDOR RECOVERY PRIVATE KEY v1", kind: "recovery")
    static func encode(_ key: X25519PrivateKey) -> String { file.encode(key) }
    static func decode(_ text: String) throws -> X25519PrivateKey { try file.decode(text) }

    static func writeNew(_ text: String, to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Ledger.Problem(description: "cannot create \(path): \(String(cString: strerror(errno))) (it must not exist yet)") }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        guard write(fd, bytes, bytes.count) == bytes.count, fsync(fd) == 0 else {
            throw Ledger.Problem(description: "cannot write \(path)")
        }
    }
}

extension CandorCLI {
    static var alternateOptions: [(option: String, key: WritableKeyPath<Alternates, String?>, question: String)] { [
        ("intake-alternate", \.intake, "Login of the intake alternate (an inspector or an unseated approver; takes a report that names every head): "),
        ("chairman-alternate", \.chairman, "Login of the chairman seat's alternate (an approver holding no seat): "),
        ("party-secretary-alternate", \.partySecretary, "Login of the party secretary seat's alternate (an approver holding no seat): "),
    ] }

    /// Issue 13: no report may be left with no one to read it, so `init` asks for the three
    /// alternates (or takes them as options) and writes them to the settings file. The accounts
    /// need not exist yet; `serve` checks them against the roster before it starts.
    static func initialAlternates(_ args: Arguments, settings: Settings, file: URL) throws -> Settings {
        var settings = settings
        for (option, key, question) in alternateOptions {
            var login = args.value(option)
            if login == nil, isatty(STDIN_FILENO) == 1, settings.alternates[keyPath: key] == nil {
                FileHandle.standardError.write(Data(question.utf8))
                login = readLine(strippingNewline: true)?.trimmingCharacters(in: .whitespaces)
            }
            if let login, !login.isEmpty { settings.alternates[keyPath: key] = login }
        }
        try PrivateFiles.write(try settings.encodedJSON(), to: file)
        let missing = alternateOptions.filter { settings.alternates[keyPath: $0.key] == nil }.map { "--" + $0.option }
        if !missing.isEmpty {
            Terminal.warn("No alternate set for \(missing.joined(separator: ", ")): `candor serve` refuses to start until settings.json names them (alternates).")
        }
        return settings
    }
}

/// An X25519 private key as a short text file (the recovery key, an export recipient's key): a
/// header line naming what it is, and 64 hex digits. The raw bytes are wiped once encoded.
struct PrivateKeyFile {
    let header: String
    let kind: String

    func encode(_ key: X25519PrivateKey) -> String {
        var raw = (try? key.rawRepresentation.unsafeCopyToArray()) ?? []
        defer { SecureBytes.wipe(&raw) }
        return "\(header)\n\(hex(raw))\n"
    }

    func decode(_ text: String) throws -> X25519PrivateKey {
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        guard lines.count >= 2, lines[0] == header, let raw = KeyFolder.decodeHex(lines[1]), raw.count == 32 else {
            throw Ledger.Problem(description: "not a Candor \(kind) key file (expected the header line and 64 hex digits)")
        }
        return try X25519PrivateKey(rawRepresentation: SecureBytes(raw))
    }
}
