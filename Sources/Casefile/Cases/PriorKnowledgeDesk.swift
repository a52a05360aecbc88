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

    /// The sealed fact: what was known and where it came from.
    struct PriorKnowledgeFact: Codable, Sendable {
        var kind: String
        var what: String
        var source: String
        var sourceCase: String?

        enum CodingKeys: String, CodingKey {
            case kind, what, source
            case sourceCase = "source_case"
        }
    }

    /// Enters a prior-knowledge record, dated today by the server, with the fact sealed under the
    /// case key and an audit entry (no fact text in it), in one transaction. `sourceCase`, when
    /// given, must be another case in the register: its received day becomes the known-since day.
    public func recordPriorKnowledge(_ c: StaffCase, kind: PriorKnowledge.Kind, what: String, source: String,
                                     sourceCase: RegisterNumber?) throws {
        guard !what.allSatisfy(\.isWhitespace), !source.allSatisfy(\.isWhitespace) else {
            throw ActionRefused(description: "Say what was known and where it came from.")
        }
        let caseID = c.caseID
        let sourceID: Int64? = try sourceCase.map { number in
            try pool.read { db in
                guard let row = try db.queryOne("SELECT \(CaseRow.columns()) FROM cases WHERE register_year = ? AND register_seq = ?",
                                                [.integer(Int64(number.year)), .integer(Int64(number.sequence))]).map(CaseRow.init(row:)) else {
                    throw ActionRefused(description: "No report is registered as \(number).")
                }
                guard row.id != caseID else { throw ActionRefused(description: "A case cannot be its own source of prior knowledge.") }
                return row.id
            }
        }
        let fact = PriorKnowledgeFact(kind: kind.rawValue, what: what, source: source, sourceCase: sourceCase?.description)
        let sealed = try sealedBlob(c, .priorKnowledge, String(decoding: try JSONBytes.encode(fact), as: UTF8.self))
        let (now, today, audit) = (clock(), Int64(self.today.ordinal), self.audit)
        try caseWrite(c) { db in
            try Ledger.insertBlob(db, caseID: caseID, kind: .priorKnowledge, blob: sealed, author: "staff:\(c.accountID)", day: today)
            try db.execute("INSERT INTO prior_knowledge(case_id, kind, recorded_day, entered_day, source_case_id) VALUES (?, ?, ?, ?, ?)",
                           [.integer(caseID), .text(kind.rawValue), .integer(today), .integer(today), sourceID.map(SQLValue.integer) ?? .null])
            try audit.append(db, actor: "staff:\(c.accountID)", action: "prior_knowledge", caseRef: c.ref,
                             detail: "kind=\(kind.rawValue) source_case=\(sourceID == nil ? "no" : "yes")", at: now)
        }
    }

    /// The records the art. 14 rule reads: server days only. Rows from before records were
    /// server-dated (no entered_day) carry a typed day and count for nothing.
    func priorKnowledgeRecords(caseID: Int64) throws -> [PriorKnowledge] {
        try pool.read { db in
            try db.query("""
                SELECT p.kind, p.entered_day, s.received_day AS source_day FROM prior_knowledge p
                LEFT JOIN cases s ON s.id = p.source_case_id
                WHERE p.case_id = ? AND p.entered_day IS NOT NULL ORDER BY p.id
                """, [.integer(caseID)]).map { row in
                let r = row.reader(table: "prior_knowledge")
                let kind = try r.required("kind", as: PriorKnowledge.Kind.self)
                let source: Int? = try r.optional("source_day")
                return PriorKnowledge(kind: kind, enteredOn: Day(ordinal: try r.required("entered_day")), sourceReceivedOn: source.map(Day.init(ordinal:)))
            }
        }
    }

    /// The case's prior-knowledge records with their sealed facts opened, for the case's holders;
    /// each shows the day it was entered beside the day the rule counts from.
    public func priorKnowledge(_ c: StaffCase) throws -> [PriorKnowledgeEntry] {
        let facts = try staffRead(c, kinds: [.priorKnowledge])
        let records = try priorKnowledgeRecords(caseID: c.caseID)
        // Both lists are in entry order, one record per fact, written in the same transaction.
        return try zip(facts, records).map { piece, record in
            let fact = try JSONBytes.decode(PriorKnowledgeFact.self, Array(piece.text.utf8))
            return PriorKnowledgeEntry(kind: record.kind, what: fact.what, source: fact.source, sourceCase: fact.sourceCase,
                                       enteredOn: record.enteredOn, knownSince: record.knownSince, author: piece.author)
        }
    }
}
