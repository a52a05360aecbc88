import Casefile
import Courier
import Foundation
import Synchronization

/// The thread that sends notices. Every `interval` seconds (and when woken) it queues the
/// digests that are due, scans deadlines once an hour, and delivers what is due. Requests never
/// wait for it: they only insert outbox rows. All its state is in the database, so a restart
/// picks up where it stopped.
public final class NotificationWorker: Sendable {
    let ledger: Ledger
    let transport: MailTransport
    let interval: Double
    let deadlineScanEvery: Int64
    let log: EventLog
    private let state = Mutex(State())
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)

    struct State {
        var running = false
        var stopping = false
        var lastDeadlineScan: Int64 = .min
        /// The day whose audit checkpoint every auditor has, and when a pass last tried.
        var checkpointDoneDay: Int?
        var checkpointTriedAt: Int64 = .min
    }

    public init(ledger: Ledger, transport: MailTransport, interval: Double = 30, deadlineScanEvery: Int64 = 3600,
                log: EventLog = .standardError) {
        self.ledger = ledger
        self.log = log
        self.transport = transport
        self.interval = interval
        self.deadlineScanEvery = deadlineScanEvery
    }

    /// One pass: what `start()` runs on its thread, callable from tests.
    @discardableResult
    public func runOnce(now: Int64? = nil) throws -> Ledger.DeliveryReport {
        let now = now ?? ledger.clock()
        try ledger.scheduleDigests(now: now)
        let scan = state.withLock { s -> Bool in
            guard s.lastDeadlineScan == .min || now - s.lastDeadlineScan >= deadlineScanEvery else { return false }
            s.lastDeadlineScan = now
            return true
        }
        if scan { try ledger.scanDeadlines(now: now) }
        let report = try ledger.deliverDueNotices(transport: transport, now: now)
        for failure in report.failures {
            log.emit("mail_failed", level: failure.givenUp ? .error : .warn,
                     [("notice", String(failure.notice)), ("attempt", String(failure.attempt)),
                      ("given_up", String(failure.givenUp)), ("reason", failure.reason)])
        }
        try mailCheckpointIfDue(now: now)
        return report
    }

    /// Once a day per auditor; after a failed send, again at most every ten minutes, so a
    /// relay that is down is not hammered every pass.
    func mailCheckpointIfDue(now: Int64) throws {
        guard let day = ledger.auditCheckpointDay(now: now) else { return }
        let due = state.withLock { s -> Bool in
            guard s.checkpointDoneDay != day, s.checkpointTriedAt == .min || now - s.checkpointTriedAt >= 600 else { return false }
            s.checkpointTriedAt = now
            return true
        }
        guard due else { return }
        if try ledger.mailAuditCheckpoints(transport: transport, now: now) {
            state.withLock { $0.checkpointDoneDay = day }
        } else {
            log.emit("mail_failed", level: .warn, [("mail", "audit_checkpoint"), ("day", String(day)), ("retry_in", "600s")])
        }
    }

    public func start() {
        let begin = state.withLock { s -> Bool in
            guard !s.running else { return false }
            s.running = true
            s.stopping = false
            return true
        }
        guard begin else { return }
        let thread = Thread { [self] in
            while !state.withLock({ $0.stopping }) {
                // A failing pass (database busy, a bug) is retried next time; the server goes on.
                do { _ = try runOnce() } catch {
                    log.emit("notice_pass_failed", level: .error, [("reason", String(String(describing: error).prefix(200)))])
                }
                _ = wake.wait(timeout: .now() + interval)
            }
            finished.signal()
        }
        thread.name = "candor-notices"
        thread.start()
    }

    /// Asks for a pass now instead of at the next interval.
    public func poke() { wake.signal() }

    /// Stops after the pass under way; waits at most `timeout` seconds for it.
    public func stop(timeout: Double = 10) {
        let wasRunning = state.withLock { s -> Bool in
            let r = s.running
            s.stopping = true
            s.running = false
            return r
        }
        guard wasRunning else { return }
        wake.signal()
        _ = finished.wait(timeout: .now() + timeout)
    }
}
