import Casefile
import Foundation
import HTTPCore
import SiteKit
import Synchronization
import Vault

/// Makes sending a report idempotent and its receipt a page of its own (post-redirect-get).
///
/// Every report form carries a one-time submission token. The first post that carries it and
/// passes validation claims it; a second post with the same token (a double click, a browser
/// that resends after a reload) makes no second case and is sent to the same receipt. The token
/// is not a secret and needs no signature: a made-up one only lets its maker send their own
/// report once, which they could do anyway. Used tokens are remembered for `tokenMemory` seconds.
///
/// The receipt sits under a random id held in a session cookie scoped to `/report/receipt`.
/// The tracking code is kept in memory only until that page is first shown (at most
/// `receiptMemory` seconds), then dropped: a refresh shows the page that says what to do if
/// the code was lost. Nothing here is written to disk or logged.
public final class SubmissionDesk: Sendable {
    struct Receipt: Sendable {
        var code: String?
        let receivedOn: String
        let filesUnclean: Bool
        /// The formats of the files kept with their metadata (nil: not recognised), to name them.
        var keptFormats: [String?] = []
        let created: Int64
    }

    enum Use: Sendable, Equatable {
        case pending
        case done(receiptID: String)
    }

    private struct State: Sendable {
        var used: [String: (use: Use, at: Int64)] = [:]
        var receipts: [String: Receipt] = [:]
    }

    private let state = Mutex(State())
    let clock: @Sendable () -> Int64
    let secureCookie: Bool
    static let cookieName = "candor_receipt"
    static let tokenField = "submission"
    static let tokenMemory: Int64 = 24 * 3600
    static let receiptMemory: Int64 = 30 * 60
    /// What the cached empty form holds where each copy gets its own token; as long as a token.
    static let placeholder = "SUBMISSION-TOKEN-PLACEHOLDER-XYZ"

    public init(secureCookie: Bool, clock: @escaping @Sendable () -> Int64) {
        self.secureCookie = secureCookie
        self.clock = clock
    }

    /// A fresh token: 128 random bits, hex.
    static func newToken() throws -> String { hex(try Random.bytes(16)) }

    static func isWellFormed(_ token: String?) -> Bool {
        guard let token, token.utf8.count == 32 else { return false }
        return token.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    /// What to do with a post carrying `token`: `.fresh` claims it (the caller must `finish` or
    /// `release` it); `.done` is a repeat of a post already stored; `.pending` is a repeat of one
    /// still being stored.
    enum Claim: Equatable { case fresh, pending, done(receiptID: String) }

    func claim(_ token: String) -> Claim {
        let now = clock()
        return state.withLock { s -> Claim in
            s.used = s.used.filter { now - $0.value.at < SubmissionDesk.tokenMemory }
            switch s.used[token]?.use {
            case nil:
                s.used[token] = (.pending, now)
                return .fresh
            case .pending: return .pending
            case .done(let id): return .done(receiptID: id)
            }
        }
    }

    /// Waits (briefly) for a post still being stored under `token`; nil if it failed or took too long.
    func awaitDone(_ token: String, tries: Int = 300) -> String? {
        for _ in 0..<tries {
            switch state.withLock({ $0.used[token]?.use }) {
            case .done(let id): return id
            case .pending: usleep(100_000)
            case nil: return nil
            }
        }
        return nil
    }

    /// The post under `token` failed before storing anything: the token may be used again.
    func release(_ token: String) { _ = state.withLock { $0.used.removeValue(forKey: token) } }

    /// The report is stored: its receipt is kept under a new id until first shown.
    func finish(_ token: String, code: String, receivedOn: String, filesUnclean: Bool, keptFormats: [String?] = []) throws -> String {
        let id = hex(try Random.bytes(32))
        let now = clock()
        state.withLock { s in
            s.receipts = s.receipts.filter { now - $0.value.created < SubmissionDesk.receiptMemory }
            s.receipts[SubmissionDesk.key(id)] = Receipt(code: code, receivedOn: receivedOn, filesUnclean: filesUnclean, keptFormats: keptFormats, created: now)
            s.used[token] = (.done(receiptID: id), now)
        }
        return id
    }

    /// The receipt under `id`, its code removed as it is handed out: the first call gets the
    /// code, later calls get the receipt without it; nil when unknown or expired.
    func take(_ id: String) -> Receipt? {
        let now = clock()
        return state.withLock { s -> Receipt? in
            let key = SubmissionDesk.key(id)
            guard let receipt = s.receipts[key], now - receipt.created < SubmissionDesk.receiptMemory else { return nil }
            s.receipts[key]?.code = nil
            return receipt
        }
    }

    /// How many tracking codes are still held in memory (tests).
    var codesHeld: Int { state.withLock { $0.receipts.values.filter { $0.code != nil }.count } }

    static func key(_ id: String) -> String { hex((try? SHA256.hash(Array(id.utf8))) ?? []) }

    func cookie(_ id: String) -> SetCookie {
        SessionTable<Int>.cookie(name: SubmissionDesk.cookieName, id: id, path: "/report/receipt", secure: secureCookie)
    }
}
