import Casework
import Foundation
import SQLiteDB
import Vault

/// Issue 14: a database from before it holds, in the clear, a reward's loss, amount and exclusion
/// reasons, the same-matter links, the prior-knowledge records' kind, days and source, and who
/// asked for and who decided on a reporter's identity. The server holds no case key, so no
/// migration can seal them: the next staff member (or `candor recover`) who opens the case seals
/// them into the case's internal blobs (`InternalRecords`) and clears the rows, in one
/// transaction; `secure_delete` zeroes the cleared cells and a truncating checkpoint drops the
/// WAL's copies of the old pages.
///
/// Old audit entries (`reward_assess loss_fen=…`, `reward_propose amount_fen=…`) stay: the log is
/// append-only and hash-chained.
extension Ledger {
    /// Seals and clears the case's legacy plaintext, if it has any. Costs nothing once no old row
    /// is left in the whole database (checked until then, one small read per open).
    /// `keys` are the case's two keys; the records are internal kinds (`InternalRecords.key`).
    func sealLegacyPlaintext(caseID: Int64, ref: String, keys caseKey: CaseKeys, actor: String) throws {
        guard legacyPlaintextLeft.load(ordering: .acquiring) else { return }
        let (anywhere, here) = try pool.read { db in
            (try Ledger.hasLegacyPlaintext(db, caseID: nil), try Ledger.hasLegacyPlaintext(db, caseID: caseID))
        }
        guard anywhere else { return legacyPlaintextLeft.store(false, ordering: .releasing) }
        guard here else { return }
        let today = Int64(self.today.ordinal)
        // A checked write: the case's seals hold before, and bind the sealed records after.
        try checkedWrite(caseID: caseID, ref: ref, keys: caseKey, actor: actor) { db in
            try Ledger.sealLegacyPlaintext(db: db, caseID: caseID, ref: ref, caseKey: caseKey, today: today)
        }
        // The WAL still holds the page images from before the clearing until a truncating
        // checkpoint; a reader's open snapshot can hold it back, and the next one finishes the job.
        try? pool.checkpoint()
    }

    /// Whether any old plaintext row is left, in the case or (nil) anywhere.
    static func hasLegacyPlaintext(_ db: Database, caseID: Int64?) throws -> Bool {
        let on = caseID == nil ? "1" : "case_id = ?"
        return try db.queryOne("""
            SELECT 1 WHERE EXISTS (SELECT 1 FROM rewards WHERE \(on)
                                     AND (verified_loss_fen IS NOT NULL OR exclusions IS NOT NULL OR amount_fen IS NOT NULL))
              OR EXISTS (SELECT 1 FROM same_matter WHERE \(on))
              OR EXISTS (SELECT 1 FROM prior_knowledge WHERE \(on))
              OR EXISTS (SELECT 1 FROM identity_requests WHERE \(on) AND (account_id IS NOT NULL OR decided_by IS NOT NULL))
            """, caseID.map { Array(repeating: SQLValue.integer($0), count: 4) } ?? []) != nil
    }

    /// Inside the caller's transaction: every kind of legacy row of the case sealed, then cleared.
    static func sealLegacyPlaintext(db: Database, caseID: Int64, ref: String, caseKey: CaseKeys, today: Int64) throws {
        try sealLegacyReward(db, caseID: caseID, ref: ref, caseKey: caseKey, today: today)
        try sealLegacySameMatter(db, caseID: caseID, ref: ref, caseKey: caseKey, today: today)
        try sealLegacyPriorKnowledge(db, caseID: caseID, ref: ref, caseKey: caseKey)
        try sealLegacyIdentityRequests(db, caseID: caseID, ref: ref, caseKey: caseKey)
    }

    private static func sealLegacyReward(_ db: Database, caseID: Int64, ref: String, caseKey: CaseKeys, today: Int64) throws {
        if let row = try db.queryOne("SELECT verified_loss_fen, exclusions, amount_fen FROM rewards WHERE case_id = ? AND verified_loss_fen IS NOT NULL",
                                     [.integer(caseID)]),
           try InternalRecords.rows(db, caseID: caseID, kind: .rewardFigures).isEmpty {
            let r = row.reader(table: "rewards")
            let reasons = (try r.optional("exclusions", as: String.self) ?? "").split(separator: ";").map(String.init)
            let figures = RewardFigures(verifiedLossFen: try r.required("verified_loss_fen"), exclusions: reasons, amountFen: try r.optional("amount_fen"))
            try insertBlob(db, caseID: caseID, kind: .rewardFigures,
                           blob: try InternalRecords.seal(figures, kind: .rewardFigures, key: caseKey, ref: ref),
                           author: InternalRecords.anonymousAuthor, day: today)
        }
        try db.execute("UPDATE rewards SET verified_loss_fen = NULL, exclusions = NULL, amount_fen = NULL WHERE case_id = ?", [.integer(caseID)])
    }

    private static func sealLegacySameMatter(_ db: Database, caseID: Int64, ref: String, caseKey: CaseKeys, today: Int64) throws {
        let others = try db.query("""
            SELECT \(CaseRow.columns("o")) FROM same_matter s JOIN cases o ON o.id = s.other_case_id WHERE s.case_id = ? ORDER BY o.id
            """, [.integer(caseID)]).map { try CaseRow(row: $0).registerNumber.description }
        guard !others.isEmpty else { return }
        if try InternalRecords.rows(db, caseID: caseID, kind: .sameMatter).isEmpty {
            try insertBlob(db, caseID: caseID, kind: .sameMatter,
                           blob: try InternalRecords.seal(SameMatterLinks(registerNumbers: others), kind: .sameMatter, key: caseKey, ref: ref),
                           author: InternalRecords.anonymousAuthor, day: today)
        }
        try db.execute("DELETE FROM same_matter WHERE case_id = ?", [.integer(caseID)])
    }

    /// The old rows and facts were written one of each per record, in the same transaction, so
    /// they pair in entry order. Rows without an entered day (typed before records were
    /// server-dated) had no fact, were never shown and counted for nothing: they are dropped.
    private static func sealLegacyPriorKnowledge(_ db: Database, caseID: Int64, ref: String, caseKey: CaseKeys) throws {
        let dated = try db.query("""
            SELECT p.kind, p.entered_day, s.received_day AS source_day FROM prior_knowledge p
            LEFT JOIN cases s ON s.id = p.source_case_id
            WHERE p.case_id = ? AND p.entered_day IS NOT NULL ORDER BY p.id
            """, [.integer(caseID)]).map { row in
            let r = row.reader(table: "prior_knowledge")
            return (kind: try r.required("kind", as: String.self), entered: try r.required("entered_day", as: Int.self),
                    source: try r.optional("source_day", as: Int.self))
        }
        let facts = try InternalRecords.rows(db, caseID: caseID, kind: .priorKnowledge).compactMap { blob -> (BlobRow, PriorKnowledgeFact)? in
            let fact = try InternalRecords.open(blob, as: PriorKnowledgeFact.self, key: caseKey, ref: ref)
            return fact.enteredDay == nil ? (blob, fact) : nil
        }
        for ((blob, old), row) in zip(facts, dated) {
            var fact = old
            (fact.kind, fact.enteredDay, fact.sourceReceivedDay) = (row.kind, row.entered, row.source)
            try db.execute("DELETE FROM blobs WHERE case_id = ? AND slot = ?", [.integer(caseID), .text(blob.slot)])
            try insertBlob(db, caseID: caseID, kind: .priorKnowledge, blob: try InternalRecords.seal(fact, kind: .priorKnowledge, key: caseKey, ref: ref),
                           author: blob.author, day: Int64(blob.day.ordinal))
        }
        try db.execute("DELETE FROM prior_knowledge WHERE case_id = ?", [.integer(caseID)])
    }

    /// Each old request's reason (kind `identity_request`) sealed again with who asked, the
    /// state and who decided (`identity_request_record`); the row keeps its id and state.
    private static func sealLegacyIdentityRequests(_ db: Database, caseID: Int64, ref: String, caseKey: CaseKeys) throws {
        let rows = try db.query("""
            SELECT r.id, r.account_id, r.state, r.decided_by, \(BlobRow.columns("b")) FROM identity_requests r
            JOIN blobs b ON b.slot = r.reason_slot AND b.case_id = r.case_id AND b.kind = ?
            WHERE r.case_id = ? AND r.account_id IS NOT NULL ORDER BY r.id
            """, [.text(BlobKind.identityRequest.rawValue), .integer(caseID)])
        for row in rows {
            let r = row.reader(table: "identity_requests")
            let blob = try BlobRow(row: row)
            let record = IdentityRequestRecord(requester: try r.required("account_id"), reason: String(decoding: try blob.open(keys: caseKey, ref: ref), as: UTF8.self),
                                               state: try r.required("state"), decidedBy: try r.optional("decided_by"))
            let sealed = try InternalRecords.seal(record, kind: .identityRequestRecord, key: caseKey, ref: ref)
            try db.execute("DELETE FROM blobs WHERE case_id = ? AND slot = ?", [.integer(caseID), .text(blob.slot)])
            try insertBlob(db, caseID: caseID, kind: .identityRequestRecord, blob: sealed, author: InternalRecords.anonymousAuthor,
                           day: Int64(blob.day.ordinal))
            try db.execute("UPDATE identity_requests SET reason_slot = ? WHERE id = ?", [.text(sealed.slot), .integer(try r.required("id", as: Int64.self))])
        }
        // A row whose reason blob is gone names no one either.
        try db.execute("UPDATE identity_requests SET account_id = NULL, decided_by = NULL WHERE case_id = ?", [.integer(caseID)])
    }
}
