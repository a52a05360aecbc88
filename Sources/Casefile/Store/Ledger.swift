import Casework
import Foundation
import SQLiteDB
import Synchronization
import Vault

/// The case ledger (art. 6): the database, the key folder, the sealed files and the audit log,
/// opened together and checked to belong together.
public final class Ledger: Sendable {
    /// The folder that holds the database and `files/`; nothing else of the ledger lives elsewhere
    /// but the key folder.
    public let dataFolder: URL
    let pool: DatabasePool
    let keys: KeyFolder
    let audit: AuditLog
    /// The sealed files. Public so that an upload streams into an `IntakeStaging` as it arrives;
    /// its keys never leave this module, so nothing outside can read or write a file directly.
    public let files: FileStore
    /// The inbox's section counts while nothing changed (`InboxCountCache`).
    let inboxCounts = InboxCountCache()
    private let currentSettings: Mutex<Settings>
    private let settingsChanges = Atomic<UInt64>(0)
    /// Seconds since 1970; replaced in tests that move time.
    public let clock: @Sendable () -> Int64
    /// scrypt cost for staff passwords and private-key encryption.
    let passwordParameters: ScryptParameters
    /// What a login is checked against when there is no account to check, or the account is
    /// locked: a password hash and an encrypted private key at the accounts' cost, under a random
    /// password no one knows, so those attempts run the derivations a real one runs. Made on
    /// first need, not at every open (a CLI command that never logs in pays nothing); the server
    /// makes it at start-up.
    struct LookAlikeAccount: Sendable {
        let passwordHash: String
        let privateKey: [UInt8]
    }
    private let lookAlikeCache = Mutex<LookAlikeAccount?>(nil)
    var lookAlike: LookAlikeAccount {
        get throws {
            if let made = lookAlikeCache.withLock({ $0 }) { return made }
            let password = hex(try Random.bytes(16))
            let made = LookAlikeAccount(passwordHash: try PasswordHash.make(password: password, parameters: passwordParameters),
                                        privateKey: try X25519PrivateKey().exportEncrypted(password: password, params: passwordParameters))
            return lookAlikeCache.withLock { cached in
                if cached == nil { cached = made }
                return cached!
            }
        }
    }
    /// Makes the look-alike account now if it is not made yet, so that no first login pays for
    /// it (the server calls this at start-up). Idempotent; safe from any thread.
    public func prepareLookAlike() throws { _ = try lookAlike }

    /// False once no row from before issue 14 is left anywhere (`sealLegacyPlaintext`): nothing writes one any more.
    let legacyPlaintextLeft = Atomic<Bool>(true)
    let phantomFailures = PhantomFailures()
    /// Submissions' scrypt derivations, at most one per core at a time.
    let kdfGate = KDFGate()

    /// A refusal the command line shows as it is (a wrong key folder, a damaged backup, an unknown case or
    /// login): its text names files, folders and logins, never report content.
    public struct Problem: Error, CustomStringConvertible, Sendable {
        public let description: String
        public init(description: String) { self.description = description }
    }

    /// The database file in the data folder (the CLI checks for it before `init` and `serve`).
    public static let databaseName = "candor.sqlite"

    /// Opens (or creates) the ledger in `dataFolder`: migrates the schema, refuses a key folder
    /// whose fingerprint differs from the one this database was created with, and sweeps sealed
    /// files that no row names (left by a crash before their commit).
    public init(dataFolder: URL, keys: KeyFolder, settings: Settings,
                passwordParameters: ScryptParameters = .recommended,
                clock: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }) throws {
        self.dataFolder = dataFolder
        self.passwordParameters = passwordParameters
        self.keys = keys
        self.clock = clock
        currentSettings = Mutex(settings)
        try PrivateFiles.createFolder(dataFolder)
        // 16 MiB of pages per connection: the inbox's indexes at 100,000 cases stay in memory
        // (issue 16) within the 150 MiB the server may use.
        pool = try DatabasePool(path: dataFolder.appendingPathComponent(Ledger.databaseName).path, readerCount: 2,
                                options: DatabaseOptions(cacheKibibytes: 16_384))
        audit = AuditLog(key: keys.auditKey, retired: keys.retiredAuditKeys)
        files = try FileStore(folder: dataFolder.appendingPathComponent("files"))
        let fingerprint = try keys.fingerprint()
        let applied = try pool.writeWithoutTransaction { db in try Schema.migrator.migrate(db) }
        if applied.contains(Schema.rosterSealMigration) {
            // The upgrade that adds the roster seal seals the roster as it stands (RosterSeal.swift).
            let (audit, now) = (self.audit, clock())
            try pool.write { db in
                try audit.sealEveryAccount(db)
                try audit.append(db, actor: "system", action: "roster_sealed", detail: "", at: now)
            }
        }
        try DueDays.refreshAllIfRulesChanged(pool, settings: settings)
        let stored: String? = try pool.write { db in
            if let row = try db.queryOne("SELECT value FROM meta WHERE name = 'key_fingerprint'") {
                return try row.required(String.self, "value", table: "meta")
            }
            try db.execute("INSERT INTO meta(name, value) VALUES ('key_fingerprint', ?)", [.text(fingerprint)])
            return nil
        }
        if let stored, stored != fingerprint {
            throw Problem(description: "The key folder \(keys.url.path) does not belong to the data in \(dataFolder.path): its pepper or recovery key differs from the ones this database was created with. Point --keys at this installation's own key folder. (After an interrupted `candor recovery rotate`, rename its recovery.pub.new to recovery.pub.)")
        }
        let known = Set(try pool.read { db in try db.query("SELECT file FROM attachments").map { try $0.required(String.self, "file", table: AttachmentRow.table) } })
        _ = try files.sweep(keeping: known)
    }

    /// The settings in force; replaced as a whole by `changeSettings`, never seen half-changed.
    public var settings: Settings {
        get { currentSettings.withLock { $0 } }
    }

    /// Goes up after every change of the settings, so that a page rendered from them can be
    /// kept until they change. Read it before the settings: what is then rendered is at least as
    /// new as the version it is kept under.
    public var settingsVersion: UInt64 { settingsChanges.load(ordering: .acquiring) }

    func replaceSettings(_ settings: Settings) {
        currentSettings.withLock { $0 = settings }
        settingsChanges.wrappingAdd(1, ordering: .releasing)
    }

    /// Today in the organisation's zone.
    public var today: Day {
        Day(unixTime: clock(), offsetSeconds: settings.utcOffsetMinutes * 60)
    }

    /// Closes the database connections; the ledger must not be used after.
    public func close() throws { try pool.close() }

    /// `candor audit verify` and the auditor's page.
    public func verifyAudit() throws -> Result<Int, AuditLog.Break> {
        try pool.read { [audit] db in try audit.verify(db) }
    }

    /// `PRAGMA integrity_check` of the database; empty when it is sound. Reads only.
    public func integrityCheck() throws -> [String] { try pool.integrityCheck() }

    /// A number that differs from the one the previous call returned exactly when a commit
    /// happened in between, in this process or another (the CLI): a cache of something read from
    /// the ledger checks it, rather than read the thing again.
    public func dataVersion() throws -> Int64 { try pool.dataVersion() }

    /// `dataVersion()`, or nil at once when another thread is asking, so that a caller under
    /// load can keep the answer it had rather than queue for the one connection that answers.
    public func dataVersionIfIdle() throws -> Int64? { try pool.dataVersionIfIdle() }

    /// SQLITE_FULL (sqlite3.h), spelled here so that no caller needs the C module.
    static let sqliteFull: Int32 = 13

    /// Whether `error` says the disk is full: the database could not grow (SQLITE_FULL) or a
    /// sealed file could not be written. Nothing of the failed change was committed, so the
    /// visitor may retry once there is room.
    public static func isStorageFull(_ error: any Error) -> Bool {
        if let error = error as? SQLiteError { return error.code == sqliteFull }
        if let failure = error as? FileStore.Failure { return failure.diskFull }
        return false
    }

    func nextSequence(_ db: Database, _ name: String) throws -> Int64 {
        try db.execute("INSERT INTO counters(name, value) VALUES (?, 1) ON CONFLICT(name) DO UPDATE SET value = value + 1", [.text(name)])
        return try db.required("SELECT value FROM counters WHERE name = ?", [.text(name)], as: Int64.self, column: "value", table: "counters")
    }
}
