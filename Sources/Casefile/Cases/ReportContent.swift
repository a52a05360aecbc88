import Casework
import Foundation

/// What is sealed in a case's `report` blob: the facts of art. 5, as the reporter wrote them,
/// one JSON string per `ReportField.texts` entry under its `sealedKey`. Every field is written,
/// blank or not, so a report sealed today has the same bytes as before the table existed; a field
/// missing from an older blob reads as blank.
public struct ReportContent: Codable, Sendable, Equatable {
    /// By `ReportField.sealedKey`.
    var values: [String: String]

    public subscript(field: ReportField) -> String { values[field.sealedKey] ?? "" }

    public var category: String { self[.category] }
    public var narrative: String { self[.narrative] }
    public var when: String { self[.when] }
    public var whereText: String { self[.whereText] }
    public var people: String { self[.people] }
    public var estimatedLoss: String { self[.estimatedLoss] }

    init(_ draft: ReportDraft) {
        values = Dictionary(uniqueKeysWithValues: ReportField.texts.map { ($0.sealedKey, draft[$0]) })
    }

    struct Key: CodingKey {
        let stringValue: String
        init(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        values = [:]
        for field in ReportField.texts {
            values[field.sealedKey] = try container.decodeIfPresent(String.self, forKey: Key(stringValue: field.sealedKey))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        for field in ReportField.texts {
            try container.encode(self[field], forKey: Key(stringValue: field.sealedKey))
        }
    }
}

/// Who is excluded from a case and why; sealed, because in the clear it would name the accused.
/// `basis`, `named` and `note` are absent from blobs sealed before they existed, and decode as nil.
struct ExclusionRecord: Codable, Sendable, Equatable {
    var accountID: Int64
    var reason: String
    /// For a match with the accused: `Exclusion.Basis` (employee id, full name, surname and title, post, ambiguous).
    var basis: String?
    /// The words of the report that matched ("王部长 财务部经理").
    var named: String?
    /// The head's reason, for an exclusion or withdrawal made by a head.
    var note: String?

    init(accountID: Int64, reason: String, basis: String? = nil, named: String? = nil, note: String? = nil) {
        self.accountID = accountID
        self.reason = reason
        self.basis = basis
        self.named = named
        self.note = note
    }

    enum CodingKeys: String, CodingKey {
        case accountID = "account_id"
        case reason, basis, named, note
    }
}

/// A sealed file's name, type and size.
public struct AttachmentMeta: Codable, Sendable, Equatable {
    public var fileName: String
    public var contentType: String
    public var size: Int64
    /// true: metadata removed (JPEG, PNG, MP4/MOV, HEIC); false: another format, kept as sent; nil:
    /// cleaning failed.
    public var metadataStripped: Bool?

    public init(fileName: String, contentType: String, size: Int64, metadataStripped: Bool?) {
        self.fileName = fileName
        self.contentType = contentType
        self.size = size
        self.metadataStripped = metadataStripped
    }

    enum CodingKeys: String, CodingKey {
        case fileName = "file_name"
        case contentType = "content_type"
        case size
        case metadataStripped = "metadata_stripped"
    }
}

enum JSONBytes {
    static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }

    static func decode<T: Decodable>(_ type: T.Type, _ bytes: [UInt8]) throws -> T {
        try JSONDecoder().decode(type, from: Data(bytes))
    }
}
