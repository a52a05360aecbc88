/// Why a request could not be framed; each case maps to the status RFC 9112 asks for.
public enum HTTPParseError: Error, Sendable, Equatable {
    /// More bytes are needed before a decision can be made.
    case incomplete
    case badRequest(String)
    case uriTooLong
    case headerFieldsTooLarge
    case contentTooLarge
    case notImplemented(String)
    case versionNotSupported

    public var status: HTTPStatus {
        switch self {
        case .incomplete, .badRequest: return .badRequest
        case .uriTooLong: return .uriTooLong
        case .headerFieldsTooLarge: return .headerFieldsTooLarge
        case .contentTooLarge: return .contentTooLarge
        case .notImplemented: return .notImplemented
        case .versionNotSupported: return .httpVersionNotSupported
        }
    }

    /// A short, fixed text: never an echo of request bytes.
    public var message: String {
        switch self {
        case .incomplete: return "Incomplete request."
        case .badRequest(let why): return why
        case .uriTooLong: return "Request line too long."
        case .headerFieldsTooLarge: return "Header fields too large."
        case .contentTooLarge: return "Request body too large."
        case .notImplemented(let why): return why
        case .versionNotSupported: return "Only HTTP/1.0 and HTTP/1.1 are supported."
        }
    }
}
