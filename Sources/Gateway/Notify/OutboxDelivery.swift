import Casefile
import Casework
import Courier
import Foundation

/// One delivery pass over the outbox: every due row is tried once, outside any transaction, and
/// its outcome recorded. A failure is retried after 1, 2, 4 … minutes (at most an hour apart)
/// up to `maxAttempts`; a permanent refusal (5xx) fails at once. The reason recorded is the
/// transport's — an SMTP reply or a socket error — which never holds case data; there is none
/// in the mail.
extension Ledger {
    public struct DeliveryReport: Sendable, Equatable {
        public var sent = 0
        public var retrying = 0
        public var failed = 0
        /// Each send that failed in this pass: what the event log says about it.
        public var failures: [Failure] = []
        public init() {}
    }

    /// A notice the transport refused or could not reach: its outbox id, the attempt, whether
    /// it is given up, and the transport's reason (an SMTP reply or a socket error).
    public struct Failure: Sendable, Equatable {
        public let notice: Int64
        public let attempt: Int
        public let givenUp: Bool
        public let reason: String
    }

    static let maxDeliveryAttempts = 10

    /// Seconds to wait before attempt `attempts + 1`.
    static func backoff(afterAttempts attempts: Int) -> Int64 {
        min(3600, 60 << Int64(min(max(attempts - 1, 0), 10)))
    }

    @discardableResult
    public func deliverDueNotices(transport: MailTransport, now: Int64? = nil) throws -> DeliveryReport {
        let now = now ?? clock()
        let settings = self.settings
        let due = try dueNotices(at: now)
        var report = DeliveryReport()
        var doneImmediate: [Int64: Int64] = [:]   // account → the row whose mail covered it
        for notice in due {
            let id = notice.id
            let account = notice.accountID
            let kind = NoticeMail.Kind(rawValue: notice.kind) ?? .immediate
            let attempts = notice.attempts + 1
            // Identical notices for one account due together go out once: a burst of events
            // makes one mail, not a count an observer could read.
            if kind == .immediate, let covering = doneImmediate[account] {
                try recordDelivery(id, now: now, attempts: attempts - 1, state: "sent", error: "merged with notice #\(covering)", next: now)
                report.sent += 1
                continue
            }
            let wanted = kind == .immediate ? NotifyPreference.immediate : .digest
            guard let email = notice.email, notice.disabled == false, notice.notify == wanted.rawValue else {
                try recordDelivery(id, now: now, attempts: attempts - 1, state: "failed",
                               error: "the account no longer takes these notices (disabled, no address, or preference changed)", next: now)
                report.failed += 1
                continue
            }
            do {
                try transport.send(try NoticeMail.message(kind, to: email, settings: settings, now: now))
                try recordDelivery(id, now: now, attempts: attempts, state: "sent", error: nil, next: now)
                if kind == .immediate { doneImmediate[account] = id }
                report.sent += 1
            } catch {
                let permanent = (error as? CourierError)?.isPermanent ?? false
                let giveUp = permanent || attempts >= Ledger.maxDeliveryAttempts
                let reason = String(String(describing: error).prefix(500))
                try recordDelivery(id, now: now, attempts: attempts, state: giveUp ? "failed" : "queued", error: reason,
                               next: now + Ledger.backoff(afterAttempts: attempts))
                if giveUp { report.failed += 1 } else { report.retrying += 1 }
                report.failures.append(Failure(notice: id, attempt: attempts, givenUp: giveUp, reason: String(reason.prefix(200))))
            }
        }
        return report
    }
}
