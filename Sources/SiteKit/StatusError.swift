import Casefile
import HTTPCore
import Presentation

/// An error that carries its own answer, like Hummingbird's `HTTPResponseError`: the status and
/// the message's text key. Route code throws it and reads straight on; `ErrorPages` makes it a
/// page and `APIJSON.localised` JSON, each in the visitor's language.
public protocol StatusError: Error, Sendable {
    var status: HTTPStatus { get }
    var message: ErrorText { get }
    /// The page's heading; nil shows the status code.
    var title: ErrorText? { get }
    var headers: HTTPHeaders { get }
    /// The request field at fault, named in the API's `fields`.
    var field: String? { get }
    /// Where the error page's link goes; nil is the page the form was on.
    var back: String? { get }
}

extension StatusError {
    public var title: ErrorText? { nil }
    public var headers: HTTPHeaders { [:] }
    public var field: String? { nil }
    public var back: String? { nil }
}

/// A message as a key of the text catalogues, or as text that is already in the reader's
/// language (a refusal's reason from the case rules).
public enum ErrorText: Sendable, Equatable {
    case key(String)
    case text(String)
    /// A catalogue text followed by details that are names, not prose (the checks a tampered
    /// case failed).
    case keyed(String, detail: String)

    public func resolved(_ library: TemplateLibrary, _ language: Language) -> String {
        switch self {
        case .key(let key): return library.text(key, language)
        case .text(let text): return text
        case .keyed(let key, let detail): return library.text(key, language) + " " + detail
        }
    }
}

/// The `StatusError` a route builds on the spot.
public struct PageError: StatusError {
    public let status: HTTPStatus
    public let message: ErrorText
    public let title: ErrorText?
    public let back: String?

    public init(_ status: HTTPStatus, _ message: ErrorText, title: ErrorText? = nil, back: String? = nil) {
        self.status = status
        self.message = message
        self.title = title
        self.back = back
    }
}

/// A staff member's case, or the refusal as its answer: one 404 for a case that does not exist
/// and one not held (a guessed reference learns nothing), a 403 with the reason otherwise.
extension StaffCaseAccess {
    public func granted(ref: String) throws -> StaffCase {
        switch self {
        case .granted(let c): return c
        case .notFound: throw PageError(.notFound, .key("case_not_found"), back: "/console")
        case .refused(let why): throw PageError(.forbidden, .text(why), back: "/console/case/\(ref)")
        case .tampered(let checks): throw CaseTampered(checks: checks)
        }
    }
}

/// A case whose rows no longer match its seals: 409, nothing done, the checks named (they name
/// columns and kinds of piece, never content); the audit log has the same entry.
extension CaseTampered: StatusError {
    public var status: HTTPStatus { .conflict }
    public var message: ErrorText { .keyed("case_tampered", detail: checks.joined(separator: "; ")) }
    public var title: ErrorText? { .key("case_tampered_title") }
}

/// A tracking code that opens nothing: 400 for a typo (the check digit), 404 for an unknown or
/// wrong code (one answer, after the same work), 503 with Retry-After while the gate is full.
extension LookupFailure: StatusError {
    public var status: HTTPStatus {
        switch self {
        case .mistyped: return .badRequest
        case .notFound: return .notFound
        case .busy: return .serviceUnavailable
        }
    }

    public var message: ErrorText {
        switch self {
        case .mistyped: return .key("code_mistyped")
        case .notFound: return .key("code_not_found")
        case .busy: return .key("code_busy")
        }
    }

    public var headers: HTTPHeaders { self == .busy ? ["Retry-After": "5"] : [:] }
    public var field: String? { self == .mistyped ? "code" : nil }
}
