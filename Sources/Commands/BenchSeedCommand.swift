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
        try args.rejectUnknown(commonOptions.union(["cases", "days", "accused", "files-mib"]))
        let filesMiB = max(0, try args.int("files-mib", default: 0))
        // With --files-mib alone an existing installation gets files and no more cases.
        let count = max(0, try args.int("cases", default: filesMiB > 0 ? 0 : 1000))
        let days = max(1, try args.int("days", default: 1095))
        let accusedPool = max(1, try args.int("accused", default: 2000))
        let folders = folders(args)
        try demoSetup(folders).close()
        var settings = try loadSettings(folders.settings)
        settings.trackingCodeCost = TrackingCodeCost(logN: 10)
        let perDay = max(1, (count + days - 1) / days)
        // The days actually used, so the newest cases are received in the last days before now.
        let used = (count + perDay - 1) / perDay
        let end = Int64(Date().timeIntervalSince1970)
        seedNow.withLock { $0 = end - Int64(used) * 86_400 }
        let ledger = try Ledger(dataFolder: folders.data, keys: try KeyFolder(url: folders.keys), settings: settings,
                                clock: { seedNow.withLock { $0 } })
        defer { try? ledger.close() }
        let head = try headUnlock(ledger, data: folders.data)
        if count > 0 {
            let started = Date()
            let done = seedCases(ledger, count: count, perDay: perDay, used: used, accusedPool: accusedPool, head: head)
            let seconds = Date().timeIntervalSince(started)
            Terminal.say("\nSEED cases=\(done) seconds=\(String(format: "%.1f", seconds)) per_second=\(String(format: "%.0f", Double(done) / max(seconds, 0.001)))")
        }
        if filesMiB > 0 {
            let started = Date()
            let (files, bytes) = try seedFiles(ledger, head: head, plaintextBytes: Int64(filesMiB) << 20)
            let seconds = max(Date().timeIntervalSince(started), 0.001)
            Terminal.say(String(format: "\nFILES files=%d mib=%.0f seconds=%.1f mib_per_second=%.1f", files, Double(bytes) / 1_048_576, seconds,
                                Double(bytes) / 1_048_576 / seconds))
        }
        return 0
    }

    /// `count` cases, `perDay` a day over `used` days ending now, each day's in parallel.
    private static func seedCases(_ ledger: Ledger, count: Int, perDay: Int, used: Int, accusedPool: Int, head: StaffUnlock) -> Int {
        var done = 0
        for day in 0..<used where done < count {
            let batch = min(perDay, count - done)
            let first = done
            let age = used - day
            DispatchQueue.concurrentPerform(iterations: batch) { i in
                do { try seedOne(ledger, n: first + i, accusedPool: accusedPool, head: head, age: age) } catch {
                    Terminal.warn("case \(first + i): \(error)")
                }
            }
            done += batch
            seedNow.withLock { $0 += 86_400 }
            if isatty(STDERR_FILENO) == 1 { FileHandle.standardError.write(Data("\rseeded \(done)/\(count)".utf8)) }
        }
        return done
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

    /// A department that keeps up, as a real one mostly does: reports received in the last five
    /// days are new (registration is due within seven); older ones were registered the day they
    /// came, with a note to the reporter. A quarter stays open with feedback due, given once the
    /// case is 80 days old (the deadline is three months), except one in two hundred, left overdue
    /// so the overdue lists have an old tail; one in twenty of the last 60 days waits for the
    /// leaders' approval; the rest is closed as not actionable. Each step is its own checked
    /// write, as the head's page does it.
    private static func seedOne(_ ledger: Ledger, n: Int, accusedPool: Int, head: StaffUnlock, age: Int) throws {
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
        guard age > 5 else { return }
        let ref = receipt.caseRef
        try act(ledger, ref, head, .register) { try ledger.register($0, category: nil, message: "您的举报已登记。") }
        if n % 4 == 0 {
            guard age > 80, n % 200 != 0 else { return }
            try act(ledger, ref, head, .messageReporter) { try ledger.messageReporter($0, text: "正在核实中。", feedback: true) }
        } else if n % 20 == 1, age <= 60 {
            try act(ledger, ref, head, .propose) { try ledger.propose($0, summary: "建议初步核实。") }
        } else {
            try act(ledger, ref, head, .markNotActionable) { try ledger.markNotActionable($0, message: "经初步核实，不属于受理范围。") }
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

extension CandorCLI {
    /// The states in which the head may add evidence (`Workflow.allows(.addNote)`).
    private static let evidenceStates: Set<CaseState> = [.submitted, .registered, .awaitingApproval, .investigating, .suspended, .reported]
    /// Sizes in KiB, in turn: scanned pages and documents, phone photos, a voice recording.
    private static let evidenceKiB = [128, 512, 1024, 2048, 4096]

    /// Evidence files for `make bench-backup`, as the head adds them on a case page: each sealed
    /// under the case's internal key as it streams in and synced (`beginStaffEvidence`), then its
    /// row in the case's checked write (`attachStaffEvidence`), spread evenly over the open cases
    /// (a closed case takes no evidence) until `plaintextBytes` are stored. Returns the files and
    /// their plaintext bytes.
    static func seedFiles(_ ledger: Ledger, head: StaffUnlock, plaintextBytes: Int64) throws -> (files: Int, bytes: Int64) {
        let openRefs = try ledger.inbox(accountID: head.account.id).filter { evidenceStates.contains($0.state) }.map(\.ref).sorted()
        guard !openRefs.isEmpty else { throw Arguments.Invalid(description: "no open case to add evidence to: seed cases first (--cases N)") }
        let sizes = evidenceSizes(plaintextBytes)
        // Sealing hides the content; random bytes only keep a filesystem from compressing it.
        let content = try Random.bytes(1 << 20)
        let done = Mutex((files: 0, bytes: Int64(0)))
        let failures = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: sizes.count) { i in
            do {
                try addEvidence(ledger, ref: openRefs[i * openRefs.count / sizes.count], head: head, n: i, size: sizes[i], content: content)
                let now = done.withLock { d -> Int in
                    d.files += 1
                    d.bytes += Int64(sizes[i])
                    return d.files
                }
                if isatty(STDERR_FILENO) == 1, now % 10 == 0 || now == sizes.count {
                    FileHandle.standardError.write(Data("\rfiles \(now)/\(sizes.count)".utf8))
                }
            } catch {
                failures.withLock { $0 += 1 }
                Terminal.warn("file \(i): \(error)")
            }
        }
        guard failures.withLock({ $0 }) == 0 else { throw Arguments.Invalid(description: "some evidence files could not be added") }
        return done.withLock { $0 }
    }

    /// The files' sizes in turn, the last one cut so that they add up to `total`.
    static func evidenceSizes(_ total: Int64) -> [Int] {
        var sizes: [Int] = []
        var sum: Int64 = 0
        while sum < total {
            let size = Int(min(Int64(evidenceKiB[sizes.count % evidenceKiB.count] << 10), total - sum))
            sizes.append(size)
            sum += Int64(size)
        }
        return sizes
    }

    private static func addEvidence(_ ledger: Ledger, ref: String, head: StaffUnlock, n: Int, size: Int, content: [UInt8]) throws {
        try act(ledger, ref, head, .addNote) { c in
            let staging = ledger.beginStaffEvidence(c)
            var kept = false
            defer { if !kept { staging.discard() } }
            let writer = try staging.beginFile(in: ledger.files)
            var left = size
            while left > 0 {
                let piece = min(left, content.count)
                try writer.write(piece == content.count ? content : Array(content[0..<piece]))
                left -= piece
            }
            let kinds = [("jpg", "image/jpeg"), ("pdf", "application/pdf"), ("m4a", "audio/mp4")]
            let (ext, type) = kinds[n % kinds.count]
            try staging.finishFile(writer, meta: AttachmentMeta(fileName: "evidence-\(n).\(ext)", contentType: type, size: Int64(size),
                                                                metadataStripped: ext == "jpg"))
            try ledger.attachStaffEvidence(c, staging: staging)
            kept = true
        }
    }
}
