/// A form body that cannot be accepted, with the HTTP status to answer and a short message
/// telling the client what to fix. The server's own error type bridges this later; keeping
/// a plain status here lets the parsers stay independent of the server.
public struct FormError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 400 for a malformed body, 413 for one over a limit, 415 for a media type that is not a form.
    public let status: Int
    public let message: String

    public init(status: Int, message: String) {
        self.status = status
        self.message = message
    }

    public var description: String { "\(status): \(message)" }

    static func badRequest(_ message: String) -> FormError {
        FormError(status: 400, message: message)
    }

    static func tooLarge(_ message: String) -> FormError {
        FormError(status: 413, message: message)
    }

    static func unsupportedMediaType(_ message: String) -> FormError {
        FormError(status: 415, message: message)
    }
}
