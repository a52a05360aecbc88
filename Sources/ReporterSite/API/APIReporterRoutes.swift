import Casefile
import Casework
import Foundation
import HTTPCore
import Presentation
import SiteKit

/// The reporter's side as JSON (arts. 5, 9, 11): the same rules as the pages — the same fields
/// and limits (`ReportDraft.validate`), uploads streamed and sealed by the same `FormFields` and
/// `EvidenceSink`, the same lookup gate for tracking codes — with a bearer token in place of the
/// status page's cookie. Like the pages, nothing here is logged or audited (README: reporter
/// actions are not audited).
public struct APIReporterRoutes: Sendable {
    let ledger: Ledger
    let pages: Pages
    let sessions: APIReporterSessions
    let gate: LookupGateHandle
    let limits: UploadLimits

    public init(ledger: Ledger, pages: Pages, sessions: APIReporterSessions, gate: LookupGateHandle, limits: UploadLimits) {
        self.ledger = ledger
        self.pages = pages
        self.sessions = sessions
        self.gate = gate
        self.limits = limits
    }

    public func register(on api: APIRouteRecorder) {
        api.on(.post, "/reports", options: .streaming(maxBodySize: limits.maxRequestBytes)) { try self.submit($0) }
        api.on(.post, "/reporter/session") { try self.openSession($0) }
        api.on(.delete, "/reporter/session") { try self.endSession($0) }
        api.on(.get, "/reporter/case") { try self.caseView($0) }
        api.on(.post, "/reporter/messages") { try self.reply($0) }
        api.on(.post, "/reporter/evidence", options: .streaming(maxBodySize: limits.maxRequestBytes)) { try self.addEvidence($0) }
    }

    func text(_ key: String, _ request: Request) -> String { pages.library.text(key, APIJSON.language(request)) }

    // MARK: submitting

    /// The report form's fields as JSON, by `ReportField.all`: the same names, with `accused` a
    /// list of objects keyed by `PersonPart.key`, `confidential` a boolean and `exclude` a list of
    /// account ids.
    struct ReportBody: Decodable {
        var draft = ReportDraft()

        struct Key: CodingKey {
            let stringValue: String
            init(stringValue: String) { self.stringValue = stringValue }
            init(_ name: String) { stringValue = name }
            var intValue: Int? { nil }
            init?(intValue: Int) { nil }
        }

        struct Person: Decodable {
            var person = AccusedPerson(name: "", post: "")
            init(from decoder: any Decoder) throws {
                let c = try decoder.container(keyedBy: Key.self)
                for part in PersonPart.all { person[part] = try c.decodeIfPresent(String.self, forKey: Key(part.key)) ?? "" }
            }
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: Key.self)
            func text(_ name: String) throws -> String? { try c.decodeIfPresent(String.self, forKey: Key(name)) }
            for field in ReportField.all {
                switch field.kind {
                case .persons:
                    // One past the limit, as the form reads, so that too many is said rather than cut.
                    let rows = try c.decodeIfPresent([Person].self, forKey: Key(field.name)) ?? []
                    draft.accused = rows.prefix(field.limit + 1).map(\.person)
                default:
                    draft[field] = try text(field.name) ?? ""
                }
            }
            draft.mode = ReportDraft.Mode(rawValue: try text("mode") ?? "") ?? .anonymous
            draft.identity = ReportDraft.Identity(name: try text("identity_name") ?? "", phone: try text("identity_phone") ?? "",
                                                  otherContact: try text("identity_contact") ?? "")
            draft.confidential = try c.decodeIfPresent(Bool.self, forKey: Key("confidential")) == true
            draft.excludedHandlers = Set(try c.decodeIfPresent([Int64].self, forKey: Key("exclude")) ?? [])
        }
    }

    func submit(_ request: Request) throws -> Response {
        let staging = try ledger.beginIntake()
        var keep = false
        defer { if !keep { staging.discard() } }
        let draft: ReportDraft
        do {
            if APIJSON.isJSON(request) {
                draft = try APIJSON.decode(ReportBody.self, request).draft
            } else {
                draft = try FormFields.read(request, staging: staging, store: ledger.files, limits: limits).reportDraft()
            }
        } catch let failure as FileStore.Failure where failure.diskFull {
            throw diskFull(request)
        } catch let error as FormError where error.status == 415 {
            throw APIError(.unsupportedMediaType, "Send the report as multipart/form-data or application/json.")
        }
        let language = APIJSON.language(request)
        let errors = draft.validate(categories: ledger.settings.categories)
        guard errors.isEmpty else {
            // Files already sealed in staging are discarded with it; the client sends them again.
            throw APIError(.unprocessableContent, text("form_has_errors", request),
                           fields: errors.map { .init(field: $0.field, message: language == .zh ? $0.zh : $0.en) })
        }
        let receipt: Receipt
        do {
            receipt = try ledger.submit(draft, staging: staging)
        } catch let failure as FileStore.Failure where failure.diskFull {
            throw diskFull(request)
        }
        keep = true
        return APIJSON.response(["tracking_code": .string(receipt.code?.grouped ?? ""),
                                 "received_on": .string(receipt.receivedOn.description),
                                 "files": .int(staging.fileCount),
                                 "files_metadata_kept": .int(staging.filesWithMetadataKept)],
                                status: .created)
    }

    func diskFull(_ request: Request) -> APIError {
        APIError(.serviceUnavailable, text("disk_full", request), headers: ["Retry-After": "600"])
    }

    // MARK: the session

    struct CodeBody: Decodable { var code: String }

    func openSession(_ request: Request) throws -> Response {
        let body = try APIJSON.decode(CodeBody.self, request)
        // A refusal is a `LookupFailure`, which carries its status (`APIJSON.localised` writes it).
        let reporter = try ledger.openCase(code: body.code, gate: gate).get()
        let token = try sessions.create(reporter)
        return APIJSON.response(["token": .string(token), "expires_in": .int(sessions.lifetime)], status: .created)
    }

    func live(_ request: Request) throws -> (token: String, reporter: ReporterCase) {
        guard let session = sessions.current(request) else { throw APIError.unauthorized(text("session_ended", request)) }
        // A case purged after the session opened (by `candor purge`, another process) ends the
        // session here, with the answer an unknown code gets.
        guard try ledger.reporterCaseIsOpen(session.reporter) else {
            sessions.end(session.token)
            throw LookupFailure.notFound
        }
        return session
    }

    /// A write refused because the case was purged between `live` and the write answers as
    /// `live` would, not with a 500.
    func unlessPurged(_ token: String, _ reporter: ReporterCase, _ write: () throws -> Void) throws {
        do { try write() } catch {
            if try !ledger.reporterCaseIsOpen(reporter) {
                sessions.end(token)
                throw LookupFailure.notFound
            }
            throw error
        }
    }

    func endSession(_ request: Request) throws -> Response {
        let (token, _) = try live(request)
        sessions.end(token)
        return Response(status: .noContent)
    }

    // MARK: the case

    func caseView(_ request: Request) throws -> Response {
        let (_, reporter) = try live(request)
        let view = try ledger.reporterView(reporter)
        let reward: JSONValue = view.reward.map { r in
            ["decision": .string(r.decision.rawValue), "amount_fen": r.amount.map { .int($0.value) } ?? .null,
             "amount_yuan": .optional(r.amount?.yuanText), "claim_ref": .optional(r.claimRef),
             "reasons": .array(r.reasons.map { .int($0) })]
        } ?? .null
        return APIJSON.response([
            "status": .string(view.status.rawValue),
            "received_on": .string(view.receivedOn.description),
            "messages": .array(view.messages.map { ["from": .string($0.from.rawValue), "day": .string($0.day.description), "text": .string($0.text)] }),
            "evidence_count": .int(view.evidenceCount),
            "reward": reward,
        ])
    }

    struct TextBody: Decodable { var text: String }

    func reply(_ request: Request) throws -> Response {
        let (token, reporter) = try live(request)
        let body = try APIJSON.decode(TextBody.self, request)
        if body.text.allSatisfy(\.isWhitespace) {
            throw APIError(.unprocessableContent, text("reply_empty", request), fields: [.init(field: "text", message: text("reply_empty", request))])
        }
        if body.text.unicodeScalars.count > ReportDraft.Limits.narrative {
            throw APIError(.unprocessableContent, text("reply_too_long", request), fields: [.init(field: "text", message: text("reply_too_long", request))])
        }
        try unlessPurged(token, reporter) { try ledger.reporterReply(reporter, text: body.text) }
        return APIJSON.response(["day": .string(ledger.today.description)], status: .created)
    }

    func addEvidence(_ request: Request) throws -> Response {
        // The session is checked before a byte of the body is read.
        let (token, reporter) = try live(request)
        let staging = ledger.beginEvidence(reporter)
        var keep = false
        defer { if !keep { staging.discard() } }
        do {
            _ = try FormFields.read(request, staging: staging, store: ledger.files, limits: limits)
        } catch let failure as FileStore.Failure where failure.diskFull {
            throw diskFull(request)
        } catch let error as FormError where error.status == 415 {
            throw APIError(.unsupportedMediaType, "Send evidence as multipart/form-data.")
        }
        guard staging.fileCount > 0 else {
            throw APIError(.unprocessableContent, text("no_file_chosen", request), fields: [.init(field: "files", message: text("no_file_chosen", request))])
        }
        try unlessPurged(token, reporter) { try ledger.reporterAddEvidence(reporter, staging: staging) }
        keep = true
        return APIJSON.response(["files": .int(staging.fileCount),
                                 "files_metadata_kept": .int(staging.filesWithMetadataKept)],
                                status: .created)
    }
}
