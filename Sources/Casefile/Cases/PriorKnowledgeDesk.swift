import Casework
import Foundation
import SQLiteDB
import Vault

/// Art. 14's prior-knowledge records: facts entered on a case before its reward is assessed,
/// each dated by the server the day it is entered. The head never types a date; knowledge older
/// than the entry can only come from an earlier case in the register, whose received day the
/// server recorded at its intake (`PriorKnowledge.knownSince`).
extension Ledger {
    /// A prior-knowledge record as the case page shows it: the fact, its source, and both days.
    public struct PriorKnowledgeEntry: Sendable, Equatable {
        public let kind: PriorKnowledge.Kind
        public let what: String
        public let source: String
        /// The earlier case named as the source, if any.
        public let sourceCase: String?
        /// The server's day when the record was entered.
        public let enteredOn: Day
        /// When the department demonstrably knew: what the art. 14 rule compares.
        public let knownSince: Day
        public let author: String
    }

    /// The sealed record, whole (issue 14: nothing of it is in the clear): what was known, where
    /// it came from, the day the server entered it and the source case's received day. Facts
    /// sealed before issue 14 lack the two days until the next staff open seals them again
    /// (`sealLegacyPlaintext`); a fact without an entered day counts for nothing.
    struct PriorKnowledgeFact: Codable, Sendable {
        var kind: String
        var what: String
        var source: String
        var sourceCase: String?
        var enteredDay: Int?
        var sourceReceivedDay: Int?

        enum CodingKeys: String, CodingKey {
            case kind, what, source
            case sourceCase = "source_case"
            case enteredDay = "entered_day"
            case sourceReceivedDay = "source_received_day"
        }

        /// What the art. 14 rule reads; nil for a fact that was never server-dated.
        var record: PriorKnowledge? {
            guard let enteredDay, let kind = PriorKnowledge.Kind(rawValue: kind) else { return nil }
            return PriorKnowledge(kind: kind, enteredOn: Day(ordinal: enteredDay), sourceReceivedOn: sourceReceivedDay.map(Day.init(ordinal:)))
        }
    }

    /// Enters a prior-knowledge record, dated today by the server, sealed whole in the case (fact,
    /// kind, days, source case) with an audit entry that names none of it, in one transaction. `sourceCase`, when
    /// given, must be another case in the register: its received day becomes the known-since day.
    public func recordPriorKnowledge(_ c: StaffCase, kind: PriorKnowledge.Kind, what: String, source: String,
                                     sourceCase: RegisterNumber?) throws {
        guard !what.allSatisfy(\.isWhitespace), !source.allSatisfy(\.isWhitespace) else {
            throw ActionRefused(description: "Say what was known and where it came from.")
        }
        let caseID = c.caseID
        let sourceDay: Int? = try sourceCase.map { number in
            try pool.read { db in
                guard let row = try db.queryOne("SELECT \(CaseRow.columns()) FROM cases WHERE register_year = ? AND register_seq = ?",
                                                [.integer(Int64(number.year)), .integer(Int64(number.sequence))]).map(CaseRow.init(row:)) else {
                    throw ActionRefused(description: "No report is registered as \(number).")
                }
                guard row.id != caseID else { throw ActionRefused(description: "A case cannot be its own source of prior knowledge.") }
                return row.receivedOn.ordinal
            }
        }
        let (now, today, audit) = (clock(), self.today.ordinal, self.audit)
        let fact = PriorKnowledgeFact(kind: kind.rawValue, what: what, source: source, sourceCase: sourceCase?.description,
                                      enteredDay: today, sourceReceivedDay: sourceDay)
        let sealed = try sealPriorKnowledge(c, fact)
        try caseWrite(c) { db in
            try Ledger.insertBlob(db, caseID: caseID, kind: .priorKnowledge, blob: sealed, author: "staff:\(c.accountID)", day: Int64(today))
            // Neither the kind nor whether a source case was named: both are sealed in the fact.
            try audit.append(db, actor: "staff:\(c.accountID)", action: "prior_knowledge", caseRef: c.ref, at: now)
        }
    }

    /// The records the art. 14 rule reads, from the sealed facts: server days only. Facts from
    /// before records were server-dated carry no entered day and count for nothing.
    func priorKnowledgeRecords(_ c: StaffCase) throws -> [PriorKnowledge] {
        try priorKnowledgeFacts(c).compactMap { $0.fact.record }
    }

    /// The case's prior-knowledge records with their sealed facts opened, for the case's holders;
    /// each shows the day it was entered beside the day the rule counts from.
    public func priorKnowledge(_ c: StaffCase) throws -> [PriorKnowledgeEntry] {
        try priorKnowledgeFacts(c).compactMap { author, fact in
            fact.record.map { record in
                PriorKnowledgeEntry(kind: record.kind, what: fact.what, source: fact.source, sourceCase: fact.sourceCase,
                                    enteredOn: record.enteredOn, knownSince: record.knownSince, author: author)
            }
        }
    }
}
