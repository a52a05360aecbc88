import Casefile
import Casework
import Dispatch
import Foundation
import Synchronization
import Vault

/// `candor bench-seed`: fills a demo installation with cases for `make bench-console`, every one
/// through the real intake (`Ledger.submit`: keys, seals, grants, audit) and the older ones moved
/// on by the head through real actions (register, or not actionable: checked writes). Only the
/// tracking code's scrypt runs at test cost (2^10): the console never derives it, and at the
/// production cost it alone would take hours for 100,000 cases.
extension CandorCLI {
    /// The day the seeding ledger's clock shows; each day's reports are received on it.
    private static let seedNow = Mutex<Int64>(0)

    static func benchSeedCommand(_ args: Arguments) throws -> Int32 {
        try args.rejectUnknown(commonOptions.union(["cases", "days", "accused"]))
        let count = try args.int("cases", default: 1000)
        let days = max(1, try args.int("days", default: 1095))
        let accusedPool = max(1, try args.int("accused", default: 2000))
        let folders = folders(args)
        try demoSetup(folders).close()
        var settings = try loadSettings(folders.settings)
        settings.trackingCodeCost = TrackingCodeCost(logN: 10)
        let end = Int64(Date().timeIntervalSince1970)
        seedNow.withLock { $0 = end - Int64(days) * 86_400 }
        let ledger = try Ledger(dataFolder: folders.data, keys: try KeyFolder(url: folders.keys), settings: settings,
                                clock: { seedNow.withLock { $0 } })
        defer { try? ledger.close() }
        let head = try headUnlock(ledger, data: folders.data)
        let started = Date()
        let perDay = (count + days - 1) / days
        var done = 0
        for day in 0..<days where done < count {
            let batch = min(perDay, count - done)
            let first = done
            // Cases received in the last 30 days stay new; older ones were dealt with that day.
            let act = days - day > 30
            DispatchQueue.concurrentPerform(iterations: batch) { i in
                do { try seedOne(ledger, n: first + i, accusedPool: accusedPool, head: head, act: act) } catch {
                    Terminal.warn("case \(first + i): \(error)")
                }
            }
            done += batch
            seedNow.withLock { $0 += 86_400 }
            if isatty(STDERR_FILENO) == 1 { FileHandle.standardError.write(Data("\rseeded \(done)/\(count)".utf8)) }
        }
        let seconds = Date().timeIntervalSince(started)
        Terminal.say("\nSEED cases=\(done) seconds=\(String(format: "%.1f", seconds)) per_second=\(String(format: "%.0f", Double(done) / max(seconds, 0.001)))")
        return 0
    }

    /// The head, signed in with the demo's password and a TOTP code for the seeding clock.
    private static func headUnlock(_ ledger: Ledger, data: URL) throws -> StaffUnlock {
        let file = data.appendingPathComponent("demo-accounts.json")
        guard let bytes = FileManager.default.contents(atPath: file.path),
              let entry = try JSONDecoder().decode([DemoOrganisation.Entry].self, from: bytes).first(where: { $0.login == "head" }) else {
            throw Arguments.Invalid(description: "no demo head in \(file.path)")
        }
        let secret = try Base32.decode(entry.totpSecret.uppercased())
        let now = seedNow.withLock { $0 }
        let code = try TOTP.code(secret: SecureBytes(secret), time: Date(timeIntervalSince1970: TimeInterval(now)))
        guard case .success(let unlock) = try ledger.login("head", password: entry.password, totpCode: code, now: now) else {
            throw Arguments.Invalid(description: "the demo head could not sign in")
        }
        return unlock
    }

    private static func seedOne(_ ledger: Ledger, n: Int, accusedPool: Int, head: StaffUnlock, act moves: Bool) throws {
        let categories = ledger.settings.categories.map(\.id)
        let person = n.multipliedReportingOverflow(by: 7919).partialValue % accusedPool
        var draft = ReportDraft(category: categories[n % categories.count], narrative: "基准测试举报 \(n)：某单位工程款问题。",
                                when: "2026年", whereText: "城东", accused: [AccusedPerson(name: "被举报人\(person)", post: "科长\(person % 50)")],
                                estimatedLoss: "10000")
        if n % 5 == 0 {
            draft.mode = .realName
            draft.identity = ReportDraft.Identity(name: "实名\(n)", phone: "138\(String(format: "%08d", n))", otherContact: "")
        }
        let channel: Channel = n % 10 == 0 ? .letter : .online
        let receipt = try ledger.submit(draft, staging: try ledger.beginIntake(), channel: channel,
                                        registeredBy: channel == .online ? nil : head.account.id, issueCode: channel == .online)
        guard moves else { return }
        // A quarter stays registered (feedback due), one in twenty goes to the leaders, the rest
        // is closed as not actionable: each step its own checked write, as the head's page does.
        try act(ledger, receipt.caseRef, head, .register) { try ledger.register($0, category: nil, message: nil) }
        if n % 20 == 1 {
            try act(ledger, receipt.caseRef, head, .propose) { try ledger.propose($0, summary: "建议初步核实。") }
        } else if n % 4 != 0 {
            try act(ledger, receipt.caseRef, head, .markNotActionable) { try ledger.markNotActionable($0, message: "经初步核实，不属于受理范围。") }
        }
    }
}

extension CandorCLI {
    fileprivate static func act(_ ledger: Ledger, _ ref: String, _ head: StaffUnlock, _ action: CaseAction,
                                _ body: (StaffCase) throws -> Void) throws {
        guard case .granted(let c) = try ledger.staffCase(ref: ref, accountID: head.account.id, key: head.key, action: action) else {
            throw Arguments.Invalid(description: "the head may not \(action) \(ref)")
        }
        try body(c)
    }
}
