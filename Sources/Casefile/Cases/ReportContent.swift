import Casework
import Foundation

/// What is sealed in a case's `report` blob: the facts of art. 5, as the reporter wrote them.
public struct ReportContent: Codable, Sendable, Equatable {
    public var category: String
    public var narrative: String
    public var when: String
    public var whereText: String
    public var people: String
    public var estimatedLoss: String

    enum CodingKeys: String, CodingKey {
        case category, narrative, when
        case whereText = "where"
        case people
        case estimatedLoss = "estimated_loss"
    }

    init(_ draft: ReportDraft) {
        category = draft.category
        narrative = draft.narrative
        when = draft.when
        whereText = draft.whereText
        people = draft.people
        estimatedLoss = draft.estimatedLoss
    }
}

/// Who is excluded from a case and why; sealed, because in the clear it would name the accused.
struct ExclusionRecord: Codable, Sendable, Equatable {
    var accountID: Int64
    var reason: String

    enum CodingKeys: String, CodingKey {
        case accountID = "account_id"
        case reason
    }
}

/// A sealed file's name, type and size.
public struct AttachmentMeta: Codable, Sendable, Equatable {
    public var fileName: String
    public var contentType: String
    public var size: Int64
    /// true: JPEG/PNG metadata removed; false: another format, kept as sent; nil: cleaning failed.
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
