import Casework
import SQLiteDB
import Vault

/// One sealed piece of a case (`blobs`): what opening it needs (kind and slot are part of the
/// associated data) and who wrote it when.
struct BlobRow: Sendable {
    static let table = "blobs"
    static func columns(_ alias: String? = nil) -> String {
        ["kind", "slot", "author", "day", "sealed"].map { alias.map { a in "\(a).\($0)" } ?? $0 }.joined(separator: ", ")
    }

    let kind: String
    let slot: String
    let author: String
    let day: Day
    let sealed: [UInt8]

    init(row: Row) throws {
        let r = row.reader(table: Self.table)
        kind = try r.required("kind")
        slot = try r.required("slot")
        author = try r.required("author")
        day = Day(ordinal: try r.required("day"))
        sealed = try r.required("sealed")
    }

    /// The plaintext, its tag checked against the case, kind and slot.
    func open(caseKey: SecureBytes, ref: String) throws -> [UInt8] {
        try CaseCrypto.open(sealed, caseKey: caseKey, ref: ref, kind: kind, slot: slot)
    }
}
