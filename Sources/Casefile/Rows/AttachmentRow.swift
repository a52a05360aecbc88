import Casework
import SQLiteDB

/// One file of a case (`attachments`): its stored name and sealed metadata.
struct AttachmentRow: Sendable {
    static let table = "attachments"
    static let columns = "file, author, internal, day, meta_sealed"

    let file: String
    let author: String
    let internalOnly: Bool
    let day: Day
    let metaSealed: [UInt8]

    init(row: Row) throws {
        let r = row.reader(table: Self.table)
        file = try r.required("file")
        author = try r.required("author")
        internalOnly = try r.required("internal")
        day = Day(ordinal: try r.required("day"))
        metaSealed = try r.required("meta_sealed")
    }
}
