import Casework
import Foundation

/// The `contents` part of an export, once opened: JSON (docs/export-format.md, "The contents
/// part"). Days are ISO dates (YYYY-MM-DD); audit times are Unix seconds, as the log has them.
public struct ExportContents: Codable, Sendable {
    public struct Facts: Codable, Sendable {
        public let state: String
        public let outcome: String?
        public let channel: String
        public let category: String
        public let realName: Bool
        public let confidential: Bool
        public let receivedOn: String
        public let registeredOn: String?
        public let closedOn: String?
        /// The seats that approved the investigation (art. 7): "chairman", "party_secretary".
        public let approvals: [String]
        public let reportSubmittedOn: String?
        public let sanctionRecorded: Bool
        public let legalHold: Bool

        enum CodingKeys: String, CodingKey {
            case state, outcome, channel, category, confidential, approvals
            case realName = "real_name", receivedOn = "received_on", registeredOn = "registered_on", closedOn = "closed_on"
            case reportSubmittedOn = "report_submitted_on", sanctionRecorded = "sanction_recorded", legalHold = "legal_hold"
        }
    }

    /// One sealed piece of the case, opened: its kind (`BlobKind`'s raw value), author, day, text
    /// (JSON for `report`, `accused`, `reward_figures`, `prior_knowledge`, `same_matter`,
    /// `identity_request_record`; plain text for the rest).
    public struct Piece: Codable, Sendable {
        public let kind: String
        public let author: String
        public let day: String
        public let text: String
    }

    public struct File: Codable, Sendable {
        /// The export part that holds the file's bytes.
        public let part: String
        public let name: String
        public let contentType: String
        public let size: Int
        public let author: String
        public let day: String
        /// True for evidence staff added; false for what the reporter sent.
        public let staffEvidence: Bool

        enum CodingKeys: String, CodingKey {
            case part, name, size, author, day
            case contentType = "content_type", staffEvidence = "staff_evidence"
        }
    }

    public struct AuditEntry: Codable, Sendable {
        public let id: Int64
        public let at: Int64
        public let actor: String
        public let action: String
        public let detail: String
    }

    public struct Reward: Codable, Sendable {
        public let state: String
        public let approvals: String
    }

    public let registerNumber: String
    public let ref: String
    public let exportedBy: String
    public let facts: Facts
    public let pieces: [Piece]
    public let files: [File]
    public let audit: [AuditEntry]
    public let reward: Reward?
    /// The reporter's identity (JSON as the reporter gave it), only where art. 16 allowed it and
    /// the exporter asked; otherwise absent.
    public let identity: String?

    enum CodingKeys: String, CodingKey {
        case ref, facts, pieces, files, audit, reward, identity
        case registerNumber = "register_number", exportedBy = "exported_by"
    }

    init(row: CaseRow, exportedBy: String, pieces: [Piece], files: [File], audit: [AuditEntry], reward: Reward?, identity: String?) {
        registerNumber = row.registerNumber.description
        ref = row.ref
        self.exportedBy = exportedBy
        facts = Facts(state: row.state.rawValue, outcome: row.outcome?.rawValue, channel: row.channel, category: row.category,
                      realName: row.realName, confidential: row.confidential, receivedOn: row.receivedOn.description,
                      registeredOn: row.registeredOn?.description, closedOn: row.closedOn?.description,
                      approvals: row.approvals.map(\.rawValue).sorted(), reportSubmittedOn: row.reportSubmittedOn?.description,
                      sanctionRecorded: row.sanctionRecorded, legalHold: row.legalHold)
        self.pieces = pieces
        self.files = files
        self.audit = audit
        self.reward = reward
        self.identity = identity
    }

    /// Decodes an opened `contents` part.
    public static func decode(_ bytes: [UInt8]) throws -> ExportContents { try JSONBytes.decode(ExportContents.self, bytes) }

    /// A readable page of the whole export, with no script and no remote resource: what
    /// `candor export open` writes as index.html beside the files.
    public func indexHTML(signer: String, exportSHA256: String, fileNames: [String: String]) -> String {
        func e(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        }
        var html = """
            <!doctype html><html lang="zh"><head><meta charset="utf-8"><title>\(e(registerNumber))</title>
            <style>body{font-family:serif;max-width:50em;margin:2em auto}pre{white-space:pre-wrap;background:#f6f6f6;padding:.5em}
            table{border-collapse:collapse}td,th{border:1px solid #999;padding:.2em .4em;text-align:left}</style></head><body>
            <p><strong>机密 CONFIDENTIAL</strong></p><h1>举报案件移交材料 Case hand-over: \(e(registerNumber))</h1>
            <p>签名公钥 Signed by: <code>\(e(signer))</code><br>文件 SHA-256: <code>\(e(exportSHA256))</code><br>导出人 Exported by: \(e(exportedBy))</p>
            <h2>案件情况 Facts</h2><table>
            """
        let facts: [(String, String)] = [
            ("state", facts.state), ("outcome", facts.outcome ?? "-"), ("channel", facts.channel), ("category", facts.category),
            ("real_name", String(facts.realName)), ("confidential", String(facts.confidential)), ("received_on", facts.receivedOn),
            ("registered_on", facts.registeredOn ?? "-"), ("closed_on", facts.closedOn ?? "-"),
            ("approvals", facts.approvals.joined(separator: ", ")), ("report_submitted_on", facts.reportSubmittedOn ?? "-"),
            ("sanction_recorded", String(facts.sanctionRecorded)), ("legal_hold", String(facts.legalHold)),
            ("reward", reward.map { "\($0.state) \($0.approvals)" } ?? "-"),
        ]
        html += facts.map { "<tr><th>\(e($0))</th><td>\(e($1))</td></tr>" }.joined() + "</table>"
        if let identity { html += "<h2>举报人身份 Reporter's identity</h2><pre>\(e(identity))</pre>" }
        html += "<h2>材料 Pieces</h2>" + pieces.map { "<h3>\(e($0.kind)) — \(e($0.day)) — \(e($0.author))</h3><pre>\(e($0.text))</pre>" }.joined()
        html += "<h2>附件 Files</h2><ul>" + files.map { f in
            let local = fileNames[f.part] ?? f.part
            return "<li><a href=\"files/\(e(local))\">\(e(f.name))</a> (\(e(f.contentType)), \(f.size) bytes, \(e(f.day)), \(f.staffEvidence ? "staff evidence" : "from the reporter"))</li>"
        }.joined() + "</ul>"
        html += "<h2>审计记录 Audit entries</h2><table><tr><th>#</th><th>time (UTC)</th><th>actor</th><th>action</th><th>detail</th></tr>"
            + audit.map { "<tr><td>\($0.id)</td><td>\(ExportFile.iso8601(Date(timeIntervalSince1970: TimeInterval($0.at))))</td><td>\(e($0.actor))</td><td>\(e($0.action))</td><td>\(e($0.detail))</td></tr>" }.joined()
            + "</table></body></html>\n"
        return html
    }
}
