import Casework
import Foundation
import Glibc
import SQLiteDB

/// One line of `candor check` (and of the checks `serve` runs at start): a name a monitor can
/// match, whether it passed, and what to do when it did not. Never a count of cases or reports:
/// `/healthz` shows these names to anyone who asks.
public struct SelfCheck: Sendable, Equatable, CustomStringConvertible {
    public enum Status: String, Sendable { case ok, warn, fail }
    public let name: String
    public let status: Status
    public let detail: String
    /// A failure `serve` refuses to start on: the installation would be unsafe or could not keep
    /// its promises (lost keys, others may read the folders, no one to read a report, time gone
    /// backwards). The others are printed and the server starts.
    public let fatal: Bool

    public init(_ name: String, _ status: Status, _ detail: String, fatal: Bool = false) {
        self.name = name
        self.status = status
        self.detail = detail
        self.fatal = fatal && status == .fail
    }

    public var description: String { "\(status.rawValue.uppercased().padding(toLength: 4, withPad: " ", startingAt: 0)) \(name): \(detail)" }

    /// Free space below this fails the disk check: a report with files may not fit.
    public static let diskFailBelow: UInt64 = 256 << 20
    /// Free space below this warns.
    public static let diskWarnBelow: UInt64 = 2 << 30
    /// How far the clock may stand behind the newest audit entry before it is a failure.
    public static let clockSlack: Int64 = 300

    /// Free bytes for an unprivileged writer on the file system that holds `folder`; nil when
    /// it cannot be asked.
    public static func freeBytes(_ folder: URL) -> UInt64? {
        var st = statvfs()
        guard statvfs(folder.path, &st) == 0 else { return nil }
        return UInt64(st.f_bavail) * UInt64(st.f_frsize)
    }

    public static func disk(_ folder: URL) -> SelfCheck {
        guard let free = freeBytes(folder) else { return SelfCheck("disk", .fail, "cannot read the free space of \(folder.path)") }
        let text = "\(free >> 20) MiB free on \(folder.path)"
        if free < diskFailBelow { return SelfCheck("disk", .fail, text + ": below \(diskFailBelow >> 20) MiB, reports with files will be refused as full") }
        if free < diskWarnBelow { return SelfCheck("disk", .warn, text + ": below \(diskWarnBelow >> 30) GiB") }
        return SelfCheck("disk", .ok, text)
    }

    /// Every folder under `folder` 0700 and every file 0600 (the modes Candor makes them with),
    /// owned by the user running the check. The folder itself open to others is fatal (it is what
    /// keeps everything inside private); a looser file or subfolder inside a private folder is a
    /// failure to mend, not a reason to stop serving.
    public static func modes(_ name: String, _ folder: URL) -> SelfCheck {
        var wrong: [String] = []
        var topOpen = false
        func look(_ path: String, directory: Bool) -> Bool {
            var st = stat()
            guard lstat(path, &st) == 0 else {
                wrong.append("\(path) cannot be read")
                return false
            }
            let mode = st.st_mode & 0o777
            var good = true
            if mode & 0o077 != 0 {
                wrong.append("\(path) is \(String(mode, radix: 8)), want \(directory ? "700" : "600")")
                good = false
            }
            if st.st_uid != getuid() {
                wrong.append("\(path) is owned by uid \(st.st_uid), not \(getuid())")
                good = false
            }
            return good
        }
        topOpen = !look(folder.path, directory: true)
        let fm = FileManager.default
        if let walker = fm.enumerator(atPath: folder.path) {
            while let relative = walker.nextObject() as? String {
                var isDirectory: ObjCBool = false
                let path = folder.appendingPathComponent(relative).path
                _ = fm.fileExists(atPath: path, isDirectory: &isDirectory)
                _ = look(path, directory: isDirectory.boolValue)
            }
        }
        guard wrong.isEmpty else {
            return SelfCheck(name, .fail, wrong.prefix(5).joined(separator: "; ") + (wrong.count > 5 ? " (and \(wrong.count - 5) more)" : "")
                             + ". Run: chmod -R go-rwx \(folder.path)", fatal: topOpen)
        }
        return SelfCheck(name, .ok, "\(folder.path): folders 0700, files 0600")
    }

    /// The settings beyond what loading them checks: the published channels are filled in,
    /// this year's holidays are configured (deadlines count working days), the deadlines are
    /// the ones the rules allow.
    public static func settings(_ settings: Settings, today: Day) -> [SelfCheck] {
        var out: [SelfCheck] = []
        do {
            try settings.validate()
            out.append(SelfCheck("settings", .ok, "valid"))
        } catch {
            out.append(SelfCheck("settings", .fail, "\(error)", fatal: true))
        }
        let c = settings.channels
        let empty = [("postal_address", c.postalAddress), ("phone", c.phone), ("email", c.email)].filter { $0.1.trimmingCharacters(in: .whitespaces).isEmpty }
        out.append(empty.isEmpty ? SelfCheck("channels", .ok, "postal address, phone and email published")
                   : SelfCheck("channels", .fail, "channels." + empty.map(\.0).joined(separator: ", channels.") + " empty: art. 15 asks for every channel to be published"))
        let year = today.year
        out.append(settings.calendar.holidays.contains { $0.year == year }
                   ? SelfCheck("holidays", .ok, "holidays for \(year) configured")
                   : SelfCheck("holidays", .warn, "no holiday configured for \(year): working-day deadlines count public holidays as working days (calendar.holidays)"))
        let (d, rules) = (settings.deadlines, DeadlineRules())
        let text = { (r: DeadlineRules) in "register \(r.registerWithinDays) d, notice \(r.acceptanceNoticeWithinWorkingDays) working d, feedback \(r.feedbackWithinMonths) months" }
        out.append(d.registerWithinDays <= rules.registerWithinDays && d.acceptanceNoticeWithinWorkingDays <= rules.acceptanceNoticeWithinWorkingDays
                   && d.feedbackWithinMonths <= rules.feedbackWithinMonths
                   ? SelfCheck("deadlines", .ok, text(d))
                   : SelfCheck("deadlines", .warn, "\(text(d)): longer than the rules' (\(text(rules))); check they are what your policy says"))
        return out
    }
}

extension Ledger {
    /// The checks that need the open ledger: the alternates (`Alternates.problems`), the key
    /// folder against the fingerprint this database was created with, and the clock against the
    /// newest audit entry.
    public func selfChecks() throws -> [SelfCheck] {
        let problems = try alternatesProblems(settings.alternates)
        var out = [problems.isEmpty ? SelfCheck("alternates", .ok, "every alternate set, confirmed, of the right role and holding no seat")
                   : SelfCheck("alternates", .fail, problems.map(\.description).joined(separator: "; "), fatal: true)]
        out.append(keyCheck())
        out.append(try clockCheck())
        out.append(try unheldListCheck())
        out.append(try grantCountsCheck())
        return out
    }

    /// The inbox's count of every case held comes from `holder_grants` (migration 0016): an edit
    /// there changes a number on a page, and this names it.
    func grantCountsCheck() throws -> SelfCheck {
        let differ = try pool.read { db in
            try db.required("""
                SELECT count(*) AS n FROM (SELECT holder FROM (SELECT holder, n AS held, 0 AS counted FROM (\(CaseTallies.freshGrants))
                UNION ALL SELECT holder, 0, n FROM holder_grants) GROUP BY holder HAVING sum(held) != sum(counted))
                """, as: Int.self, column: "n", table: "holder_grants")
        }
        return differ == 0 ? SelfCheck("holder_grants", .ok, "the inbox's counts match the grants")
            : SelfCheck("holder_grants", .fail, "holder_grants was edited: the inbox shows wrong totals; find out who edited the database")
    }

    /// The console counts the cases no one holds from a list triggers keep (migration 0015): a
    /// database writer who deletes a row hides a case waiting for a reader from the leaders.
    /// Reads every case, which a page never does.
    func unheldListCheck() throws -> SelfCheck {
        guard try unheldCasesMissingFromCount() > 0 else {
            return SelfCheck("unheld_list", .ok, "every case no one holds is in the console's count")
        }
        return SelfCheck("unheld_list", .fail, "the list of cases no one holds was edited: some are missing from the console's count; "
                         + "give them a reader with `candor recover --recovery-key FILE --to LOGIN --unheld` and find out who edited the database")
    }

    /// The key folder's fingerprint (pepper and recovery public key) against meta `key_fingerprint`.
    func keyCheck() -> SelfCheck {
        do {
            let stored = try pool.read { db in try db.scalar("SELECT value FROM meta WHERE name = 'key_fingerprint'", as: String.self) }
            guard let stored else { return SelfCheck("keys", .fail, "the database records no key fingerprint", fatal: true) }
            guard stored == (try keys.fingerprint()) else {
                return SelfCheck("keys", .fail, "\(keys.url.path) is not this database's key folder (fingerprint differs)", fatal: true)
            }
            return SelfCheck("keys", .ok, "\(keys.url.path): pepper, audit key and recovery.pub readable, fingerprint matches the database")
        } catch {
            return SelfCheck("keys", .fail, "\(error)", fatal: true)
        }
    }

    /// Deadlines and the audit log's order assume time moves forward: a clock behind the newest
    /// entry (a lost RTC, a restore onto a machine set to another zone's UTC) is caught here.
    func clockCheck() throws -> SelfCheck {
        let now = clock()
        guard let newest = try newestAuditTime() else { return SelfCheck("clock", .ok, "no audit entry yet") }
        if now + SelfCheck.clockSlack < newest {
            return SelfCheck("clock", .fail, "the clock reads \(now), \(newest - now) s before the newest audit entry: set the system time (NTP)", fatal: true)
        }
        return SelfCheck("clock", .ok, "not behind the newest audit entry")
    }

    /// When the newest audit entry was written (seconds since 1970); nil for an empty log.
    func newestAuditTime() throws -> Int64? {
        try pool.read { db in try db.scalar("SELECT at FROM audit_log ORDER BY id DESC LIMIT 1", as: Int64.self) }
    }

    /// The cheap checks `/healthz` runs on each call, in order; the first failing one's name, or
    /// nil when all pass. A database that does not answer a read is "database".
    public func healthProblem() -> String? {
        guard (try? pool.read({ db in try db.scalar("SELECT 1", as: Int64.self) })) != nil else { return "database" }
        guard let free = SelfCheck.freeBytes(dataFolder), free >= SelfCheck.diskFailBelow else { return "disk" }
        guard let clock = try? clockCheck(), clock.status == .ok else { return "clock" }
        return nil
    }
}
