import Casefile
import Casework
import HTTPCore

/// The text fields of a form, whichever encoding it came in; file parts go straight to sealed
/// storage through `EvidenceSink` as they stream.
public struct FormFields {
    public var pairs: [(name: String, value: String)]

    public init(pairs: [(name: String, value: String)]) { self.pairs = pairs }

    public func first(_ name: String) -> String? { pairs.first { $0.name == name }?.value }
    public func all(_ name: String) -> [String] { pairs.filter { $0.name == name }.map(\.value) }

    public static func urlencoded(_ request: Request) throws -> FormFields {
        let type = request.headers["Content-Type"]?.lowercased() ?? ""
        guard type.hasPrefix("application/x-www-form-urlencoded") else {
            throw HTTPError(.unsupportedMediaType, "Send this form as application/x-www-form-urlencoded.")
        }
        do {
            return FormFields(pairs: try URLEncodedForm(try request.bodyBytes()).pairs)
        } catch let error as FormError {
            throw HTTPError(HTTPStatus(error.status), error.message)
        }
    }

    /// With `refusals`, a file over the per-file limit or past the file count is skipped and
    /// named there instead of failing the whole form (the reporter's forms, which come back
    /// filled in); only the request's total limit still fails it.
    public static func read(_ request: Request, staging: IntakeStaging, store: FileStore, limits: UploadLimits,
                            refusals: UploadRefusals? = nil) throws -> FormFields {
        let type = request.headers["Content-Type"] ?? ""
        if type.lowercased().hasPrefix("application/x-www-form-urlencoded") {
            return try urlencoded(request)
        }
        guard type.lowercased().hasPrefix("multipart/form-data") else {
            throw FormError(status: 415, message: "Send this form as multipart/form-data.")
        }
        var multipartLimits = MultipartLimits()
        multipartLimits.maxFileBytes = refusals == nil ? limits.maxFileBytes : limits.maxRequestBytes
        multipartLimits.maxTotalBytes = limits.maxRequestBytes
        let result = try MultipartParser.collectFields(
            contentType: type, limits: multipartLimits, read: { try request.body.next() },
            openFile: { headers in
                try EvidenceSink(staging: staging, store: store, headers: headers, maxFiles: limits.maxFiles,
                                 maxFileBytes: limits.maxFileBytes, refusals: refusals)
            })
        return FormFields(pairs: result.fields)
    }

    /// The report form's fields as a draft, by `ReportField.all`; validation is `ReportDraft.validate`.
    public func reportDraft() -> ReportDraft {
        var draft = ReportDraft()
        for field in ReportField.all {
            switch field.kind {
            case .persons: draft.accused = accusedRows(limit: field.limit)
            default: draft[field] = first(field.name) ?? ""
            }
        }
        draft.mode = ReportDraft.Mode(rawValue: first("mode") ?? "") ?? .anonymous
        draft.identity = ReportDraft.Identity(name: first("identity_name") ?? "", phone: first("identity_phone") ?? "",
                                              otherContact: first("identity_contact") ?? "")
        draft.confidential = first("confidential") == "1"
        draft.excludedHandlers = Set(all("exclude").compactMap { Int64($0) })
        return draft
    }

    /// Rows `accused_<part>_<n>`; a row none of whose parts was sent is no row. One past the
    /// limit is read, so that too many rows is said rather than cut.
    func accusedRows(limit: Int) -> [AccusedPerson] {
        var accused: [AccusedPerson] = []
        for i in 0..<limit + 1 {
            let sent = PersonPart.all.map { first($0.formName(row: i)) }
            if sent.allSatisfy({ $0 == nil }) { continue }
            var person = AccusedPerson(name: "", post: "")
            for (part, value) in zip(PersonPart.all, sent) { person[part] = value ?? "" }
            accused.append(person)
        }
        return accused
    }
}
