import Casework
import Foundation
import SQLiteDB

/// A closed case whose retention period has run out.
public struct PurgeCandidate: Sendable, Equatable {
    public let ref: String
    public let registerNumber: RegisterNumber
    public let closedOn: Day
    public let purgeOn: Day
}

/// What a purge took away: counts only, nothing of the content.
public struct PurgeResult: Sendable, Equatable {
    public let ref: String
    public let registerNumber: RegisterNumber
    public let blobs: Int
    public let files: Int
    /// The sealed bytes of those files that were on disk: what the purge's throughput counts.
    public let fileBytes: Int64
}

/// Retention (RetentionRules): a closed case is crypto-shredded when its period has run out.
/// Deleting every grant deletes every copy of the case key, so whatever ciphertext survives
/// elsewhere (a backup, a disk block) can no longer be opened; deleting the blobs and files with
/// `secure_delete` on, and checkpointing the WAL, leaves no ciphertext in the live store either.
///
/// The case row stays as a tombstone (register number, days, category, channel, outcome) so the
/// register has no gaps that would look like deleted reports and the statistics stay continuous.
extension Ledger {
    /// The closed cases whose retention has run out by `today` and that no legal hold keeps,
    /// in register order. Reads only: `purge` deletes.
    public func purgeCandidates(today: Day) throws -> [PurgeCandidate] {
        let rules = settings.retention
        let rows = try pool.read { db in
            try db.query("""
                SELECT \(CaseRow.columns()) FROM cases
                WHERE purged_day IS NULL AND closed_day IS NOT NULL AND legal_hold = 0
                ORDER BY received_day, id
                """)
        }
        return try rows.compactMap { row in
            guard let candidate = Ledger.candidate(try CaseRow(row: row), rules: rules), candidate.purgeOn <= today else { return nil }
            return candidate
        }
    }

    static func candidate(_ row: CaseRow, rules: RetentionRules) -> PurgeCandidate? {
        guard let closed = row.closedOn,
              let purgeOn = rules.purgeDay(state: row.state, outcome: row.outcome, closedOn: closed, legalHold: row.legalHold)
        else { return nil }
        return PurgeCandidate(ref: row.ref, registerNumber: row.registerNumber, closedOn: closed, purgeOn: purgeOn)
    }

    /// Purges one case, re-checking inside the transaction that it is still due and not under
    /// legal hold, so a hold placed a moment earlier wins.
    @discardableResult
    public func purge(caseRef: String, actor: String) throws -> PurgeResult {
        let result = try purgeOne(caseRef: caseRef, actor: actor)
        // The WAL still holds page images with the deleted ciphertext until a checkpoint; a
        // reader's open snapshot can hold it back, and the next checkpoint finishes the job.
        try? pool.checkpoint()
        return result
    }

    /// Purges the cases in turn, each exactly as `purge(caseRef:)` does in a transaction of its
    /// own, `each` told how each went by its index (a case held since it was listed is refused,
    /// the others still go); the WAL is checkpointed once after the last instead of after every
    /// case, which at thousands of cases was most of the time. The ciphertext leaves the live
    /// store all the same by the time this returns.
    public func purge(_ caseRefs: [String], actor: String, each: (Int, Result<PurgeResult, any Error>) -> Void) {
        for (index, ref) in caseRefs.enumerated() {
            do { each(index, .success(try purgeOne(caseRef: ref, actor: actor))) } catch { each(index, .failure(error)) }
        }
        try? pool.checkpoint()
    }

    private func purgeOne(caseRef: String, actor: String) throws -> PurgeResult {
        let rules = settings.retention
        let today = self.today
        let now = clock()
        let audit = self.audit
        let (result, files) = try pool.write { db -> (PurgeResult, [String]) in
            guard let row = try db.queryOne("SELECT \(CaseRow.columns()) FROM cases WHERE ref = ?", [.text(caseRef)])
                .map(CaseRow.init(row:)) else {
                throw ActionRefused(description: "no such case")
            }
            guard row.purgedOn == nil else { throw ActionRefused(description: "this case was purged already") }
            guard !row.legalHold else {
                throw ActionRefused(description: "this case is under legal hold; the head must lift the hold before it can be purged")
            }
            guard let candidate = Ledger.candidate(row, rules: rules), candidate.purgeOn <= today else {
                throw ActionRefused(description: "this case is not due for purging: it is open, or its retention period has not run out")
            }
            let caseID = row.id
            let files = try db.query("SELECT file FROM attachments WHERE case_id = ?", [.integer(caseID)])
                .map { try $0.required(String.self, "file", table: AttachmentRow.table) }
            let blobs = try db.required("SELECT count(*) AS n FROM blobs WHERE case_id = ?", [.integer(caseID)], as: Int.self, column: "n", table: "blobs")
            // Everything of the case, its reward and any row from before issue 14 included.
            for table in ["identity_requests", "identity_grants", "internal_grants", "grants", "assignments", "attachments", "blobs", "prior_knowledge",
                          "same_matter", "rewards"] {
                try db.execute("DELETE FROM \(table) WHERE case_id = ?", [.integer(caseID)])
            }
            // An old link naming this case from another one is a plaintext pair of this case too.
            try db.execute("DELETE FROM same_matter WHERE other_case_id = ?", [.integer(caseID)])
            // real_name and confidential describe the reporter: nothing of them outlives the case.
            try db.execute("""
                UPDATE cases SET state = 'closed', lookup_id = NULL, lookup_params = NULL, lookup_tag = NULL, approvals = '',
                                 real_name = 0, confidential = 0, purged_day = ?, state_seal = NULL, channel_seal = NULL WHERE id = ?
                """, [.integer(Int64(today.ordinal)), .integer(caseID)])
            try audit.append(db, actor: actor, action: "purge", caseRef: candidate.ref,
                             detail: "register=\(candidate.registerNumber)", at: now)
            return (PurgeResult(ref: candidate.ref, registerNumber: candidate.registerNumber, blobs: blobs, files: files.count, fileBytes: 0), files)
        }
        // After the commit: a crash in between leaves files no row names, which start-up sweeps.
        var fileBytes: Int64 = 0
        for file in files { fileBytes += self.files.delete(file) }
        // A case without files left the folder as it was: nothing to make durable.
        if !files.isEmpty { try self.files.syncFolder() }
        return PurgeResult(ref: result.ref, registerNumber: result.registerNumber, blobs: result.blobs, files: result.files, fileBytes: fileBytes)
    }

    /// The head places or lifts a legal hold (litigation, an authority's request): a held case
    /// is never purged, whatever its retention period.
    public func setLegalHold(_ c: StaffCase, on: Bool) throws {
        guard let role = c.caseRole, AccessPolicy.permits(role, .setLegalHold, .assigned) else {
            throw ActionRefused(description: "Only the head may place or lift a legal hold.")
        }
        let now = clock()
        let audit = self.audit
        let (caseID, ref, account) = (c.caseID, c.ref, c.accountID)
        try caseWrite(c) { db in
            try db.execute("UPDATE cases SET legal_hold = ? WHERE id = ? AND purged_day IS NULL", [.integer(on ? 1 : 0), .integer(caseID)])
            guard db.changes == 1 else { throw ActionRefused(description: "this case was purged") }
            try audit.append(db, actor: "staff:\(account)", action: on ? "legal_hold_on" : "legal_hold_off", caseRef: ref, at: now)
        }
    }
}
