/// Why a message was not delivered. Each case names the step that failed and, where the server
/// answered, its reply code and text, so the outbox can record the reason an operator needs.
/// Nothing here ever holds the message itself.
public enum CourierError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Nothing listens there (ECONNREFUSED).
    case connectionRefused(host: String, port: Int)
    /// Name lookup, routing or another socket failure.
    case connectionFailed(String)
    /// A read or write did not finish within the timeout.
    case timedOut(during: String)
    /// The server offers no STARTTLS although it is required, or the handshake or the
    /// certificate check failed.
    case tls(String)
    /// The server refused the credentials (AUTH).
    case authRefused(SMTPReply)
    /// The server refused the envelope sender (MAIL FROM).
    case senderRefused(SMTPReply)
    /// The server refused the recipient (RCPT TO).
    case recipientRefused(SMTPReply)
    /// The server refused the message after DATA.
    case messageRefused(SMTPReply)
    /// Any other reply that does not fit the dialogue.
    case unexpectedReply(during: String, SMTPReply)
    /// The server broke the protocol or closed the connection.
    case protocolError(String)
    /// The sendmail program could not run or did not exit with status 0.
    case sendmail(String)
    /// An address or header that cannot be sent safely (CR, LF, angle brackets …).
    case invalidMessage(String)

    public var description: String {
        switch self {
        case .connectionRefused(let host, let port): return "connection refused by \(host):\(port)"
        case .connectionFailed(let why): return "cannot connect: \(why)"
        case .timedOut(let step): return "timed out during \(step)"
        case .tls(let why): return "TLS failure: \(why)"
        case .authRefused(let r): return "authentication refused: \(r)"
        case .senderRefused(let r): return "sender refused: \(r)"
        case .recipientRefused(let r): return "recipient refused: \(r)"
        case .messageRefused(let r): return "message refused: \(r)"
        case .unexpectedReply(let step, let r): return "unexpected reply to \(step): \(r)"
        case .protocolError(let why): return "SMTP protocol error: \(why)"
        case .sendmail(let why): return "sendmail: \(why)"
        case .invalidMessage(let why): return "invalid message: \(why)"
        }
    }

    /// Whether trying again later may succeed: a 5xx refusal or a bad message will not.
    public var isPermanent: Bool {
        switch self {
        case .authRefused(let r), .senderRefused(let r), .recipientRefused(let r), .messageRefused(let r):
            return r.code >= 500
        case .invalidMessage: return true
        default: return false
        }
    }
}
