import Casework
import SQLiteDB

/// One sealed piece of a case (`blobs`): what opening it needs (kind and slot are part of the
/// associated data) and who wrote it when.
struct BlobRow: Sendable {
    static let table = "blobs"
    static func columns(_ alias: String? = nil) -> String {
        selectList(["kind", "slot", "author", "day", "sealed"], alias: alias)
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

    /// The kind as this module names it; a word it never writes throws rather than pass for a note.
    func blobKind() throws -> BlobKind {
        guard let known = BlobKind(rawValue: kind) else {
            throw RowError.unexpectedValue(column: "kind", table: Self.table, expected: "BlobKind")
        }
        return known
    }

    /// The plaintext, its tag checked against the case, kind and slot.
    func open(keys: some CaseKeyring, ref: String) throws -> [UInt8] {
        try CaseCrypto.open(sealed, keys: keys, ref: ref, kind: try blobKind(), slot: slot)
    }

    /// The identity blob: sealed under the identity key, with its kind in the associated data.
    func open(identityKey: IdentityKey, ref: String) throws -> [UInt8] {
        guard kind == BlobKind.identity.rawValue else {
            throw RowError.unexpectedValue(column: "kind", table: Self.table, expected: "identity")
        }
        return try CaseCrypto.open(sealed, identityKey: identityKey, ref: ref, slot: slot)
    }
}
