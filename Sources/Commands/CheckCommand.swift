import Casefile
import Foundation
import Gateway
import HTTPCore

/// `candor check`: the installation as a security officer would inspect it by hand — settings,
/// alternates, folder and file modes, the key folder against the database's fingerprint, the TLS
/// files and their expiry, the clock against the newest audit entry, free disk space. Each check
/// is one printed line; any failure exits 1. `serve` runs the same checks at start and refuses
/// to start on a fatal one (`SelfCheck.fatal`).
extension CandorCLI {
    static let checkOptions: Set<String> = commonOptions.union(["tls-cert", "tls-key"])

    static func checkCommand(_ args: Arguments) throws -> Int32 {
        try args.rejectUnknown(checkOptions)
        let results = installationChecks(args, ledger: nil)
        for result in results { Terminal.say(result.description) }
        let failed = results.filter { $0.status == .fail }
        Terminal.say(failed.isEmpty ? "all checks passed" : "\(failed.count) failed: " + failed.map(\.name).joined(separator: ", "))
        return failed.isEmpty ? 0 : 1
    }

    /// Every check, in the order printed. Opens the ledger itself when not given one; a ledger
    /// that does not open (a wrong key folder, damaged settings) is the check "open", fatal.
    static func installationChecks(_ args: Arguments, ledger given: Ledger?, now: Int64 = Int64(Date().timeIntervalSince1970)) -> [SelfCheck] {
        let (data, keys, _) = folders(args)
        var out = [SelfCheck.modes("data-modes", data), SelfCheck.modes("key-modes", keys)]
        var ledger = given
        if ledger == nil {
            do { ledger = try openLedger(args) } catch { out.append(SelfCheck("open", .fail, "\(error)", fatal: true)) }
        }
        if let ledger {
            out += SelfCheck.settings(ledger.settings, today: ledger.today)
            do { out += try ledger.selfChecks() } catch { out.append(SelfCheck("ledger", .fail, "\(error)", fatal: true)) }
            if given == nil { try? ledger.close() }
        }
        if let tls = tlsCheck(args, now: now) { out.append(tls) }
        out.append(SelfCheck.disk(data))
        return out
    }

    /// Warn this many seconds before the certificate expires.
    static let certificateWarning: Int64 = 14 * 86_400

    static func tlsCheck(_ args: Arguments, now: Int64) -> SelfCheck? {
        guard let cert = args.value("tls-cert"), let key = args.value("tls-key") else { return nil }
        do {
            let notAfter = try TLSCertificateFile.check(TLSConfiguration(certificatePath: cert, privateKeyPath: key))
            let days = (notAfter - now) / 86_400
            if notAfter <= now { return SelfCheck("tls", .fail, "\(cert) expired \(-days) days ago: renew it", fatal: true) }
            if notAfter - now < certificateWarning { return SelfCheck("tls", .warn, "\(cert) expires in \(days) days: renew it, then send SIGHUP") }
            return SelfCheck("tls", .ok, "\(cert) and its key load; expires in \(days) days")
        } catch {
            return SelfCheck("tls", .fail, "\(error)", fatal: true)
        }
    }

    /// What `serve` runs before listening: the alternates first (their own message, issue 13),
    /// then every check; the ones that are not ok are logged, and a fatal one stops the start.
    static func startChecks(_ ledger: Ledger, _ args: Arguments, log: EventLog) throws {
        try checkAlternates(ledger)
        let results = installationChecks(args, ledger: ledger)
        for result in results where result.status != .ok {
            log.emit("check", level: result.fatal ? .error : .warn, [("check", result.name), ("status", result.status.rawValue), ("detail", result.detail)])
        }
        let fatal = results.filter(\.fatal)
        guard fatal.isEmpty else {
            throw Ledger.Problem(description: "refusing to start: " + fatal.map(\.description).joined(separator: "\n  ")
                                 + "\nRun `candor check` for every check.")
        }
    }
}
