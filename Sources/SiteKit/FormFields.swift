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

    public static func read(_ request: Request, staging: IntakeStaging, store: FileStore, limits: UploadLimits) throws -> FormFields {
        let type = request.headers["Content-Type"] ?? ""
        if type.lowercased().hasPrefix("application/x-www-form-urlencoded") {
            return try urlencoded(request)
        }
        guard type.lowercased().hasPrefix("multipart/form-data") else {
            throw FormError(status: 415, message: "Send this form as multipart/form-data.")
        }
        var multipartLimits = MultipartLimits()
        multipartLimits.maxFileBytes = limits.maxFileBytes
        multipartLimits.maxTotalBytes = limits.maxRequestBytes
        let result = try MultipartParser.collectFields(
            contentType: type, limits: multipartLimits, read: { try request.body.next() },
            openFile: { headers in try EvidenceSink(staging: staging, store: store, headers: headers, maxFiles: limits.maxFiles) })
        return FormFields(pairs: result.fields)
    }

    /// The report form's fields as a draft; validation is `ReportDraft.validate`.
    public func reportDraft() -> ReportDraft {
        var accused: [AccusedPerson] = []
        for i in 0..<ReportDraft.Limits.accused + 1 {
            let name = first("accused_name_\(i)") ?? ""
            let post = first("accused_post_\(i)") ?? ""
            if first("accused_name_\(i)") == nil && first("accused_post_\(i)") == nil { continue }
            accused.append(AccusedPerson(name: name, post: post))
        }
        let mode = ReportDraft.Mode(rawValue: first("mode") ?? "") ?? .anonymous
        let identity = ReportDraft.Identity(name: first("identity_name") ?? "", phone: first("identity_phone") ?? "",
                                            otherContact: first("identity_contact") ?? "")
        return ReportDraft(category: first("category") ?? "", narrative: first("narrative") ?? "", when: first("when") ?? "",
                           whereText: first("where") ?? "", people: first("people") ?? "", accused: accused,
                           estimatedLoss: first("loss") ?? "", mode: mode, identity: identity,
                           confidential: first("confidential") == "1",
                           excludedHandlers: Set(all("exclude").compactMap { Int64($0) }))
    }
}
