/// One client connection, served on its own thread: reads requests in order through the
/// decoder, calls the handler, writes each response before reading the next (so pipelined
/// requests are answered in order, RFC 9112 §9.3.2).
final class Connection {
    private let transport: Transport
    private let decoder: RequestDecoder
    private let writer: ResponseWriter
    private let handler: any HTTPHandler
    private let limits: HTTPLimits
    private let peer: PeerAddress?
    private let acceptedAt: MonotonicTime
    private let isStopping: @Sendable () -> Bool

    init(transport: Transport, handler: any HTTPHandler, limits: HTTPLimits, security: SecurityHeaders,
         peer: PeerAddress?, acceptedAt: MonotonicTime, isStopping: @escaping @Sendable () -> Bool) {
        self.transport = transport
        decoder = RequestDecoder(transport: transport, limits: limits)
        writer = ResponseWriter(transport: transport, security: security)
        self.handler = handler
        self.limits = limits
        self.peer = peer
        self.acceptedAt = acceptedAt
        self.isStopping = isStopping
    }

    /// Serves until the connection ends; returns whether closing should linger (see Transport.close).
    func run() -> Bool {
        var first = true
        while true {
            switch readHead(first: first) {
            case .stop(let linger):
                return linger
            case .head(let head):
                first = false
                if let linger = serve(head) { return linger }
            }
        }
    }

    private enum NextHead {
        case head(RequestHead)
        case stop(linger: Bool)
    }

    private func readHead(first: Bool) -> NextHead {
        do {
            switch try decoder.nextHead(first: first, acceptedAt: acceptedAt) {
            case .head(let h): return .head(h)
            case .closed: return .stop(linger: false)
            case .timedOutPartial:
                sendFinal(ErrorPage.response(.requestTimeout), version: .http1_1)
                return .stop(linger: true)
            }
        } catch let e as HTTPParseError {
            // A head we cannot frame leaves the stream position unknown: answer, then close.
            sendFinal(ErrorPage.response(e.status, e.message), version: .http1_1)
            return .stop(linger: true)
        } catch {
            return .stop(linger: false)
        }
    }

    /// Answers one request. Nil: the connection stays open for the next; otherwise whether
    /// closing should linger.
    private func serve(_ head: RequestHead) -> Bool? {
        writer.beginResponse()
        let response = respond(to: head)
        if let failure = decoder.failure {
            return answerBrokenBody(failure, version: head.version)
        }
        var keepAlive = head.keepAlive && !isStopping()
        var linger = false
        if !decoder.bodyFinished && !drainLeftover(after: response) {
            keepAlive = false
            linger = true
        }
        do {
            try writer.write(response, version: head.version, keepAlive: &keepAlive, isHead: head.method == .head)
        } catch {
            return linger
        }
        return keepAlive ? nil : true
    }

    private func respond(to head: RequestHead) -> Response {
        let expected: Int? = if case .length(let n) = head.framing { n } else { nil }
        let body = RequestBody(source: decoder, expectedLength: expected, limit: limits.maxBufferedBody,
                               streamLimit: limits.maxStreamedBody,
                               empty: head.framing == .none)
        do {
            return try handler.handle(Request(head: head, body: body, peer: peer))
        } catch let e as HTTPError {
            return e.response
        } catch {
            return ErrorPage.internalError
        }
    }

    /// The body broke mid-way; whatever the handler said rests on a partial body, so it is not
    /// sent. Returns whether closing should linger.
    private func answerBrokenBody(_ failure: BodyFailure, version: HTTPVersion) -> Bool {
        switch failure {
        case .transport(.timedOut) where !writer.wroteAnything:
            sendFinal(ErrorPage.response(.requestTimeout), version: version)
            return true
        case .malformed(let e) where !writer.wroteAnything:
            sendFinal(ErrorPage.response(e.status, e.message), version: version)
            return true
        default:
            return false
        }
    }

    /// Unread body: small leftovers are read to keep the connection, larger ones close it (RFC
    /// 9110 §10.1.1). A body refused as too large is not read at all.
    private func drainLeftover(after response: Response) -> Bool {
        if response.status == .contentTooLarge || (decoder.remainingLength ?? 0) > limits.maxDrainBytes { return false }
        return decoder.drain(maxBytes: limits.maxDrainBytes)
    }

    private func sendFinal(_ response: Response, version: HTTPVersion) {
        var keepAlive = false
        try? writer.write(response, version: version, keepAlive: &keepAlive, isHead: false)
    }
}
