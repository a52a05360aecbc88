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
        var linger = false
        serving: while true {
            let head: RequestHead
            do {
                switch try decoder.nextHead(first: first, acceptedAt: acceptedAt) {
                case .head(let h): head = h
                case .closed: break serving
                case .timedOutPartial:
                    sendFinal(ErrorPage.response(.requestTimeout), version: .http1_1)
                    linger = true
                    break serving
                }
            } catch let e as HTTPParseError {
                // A head we cannot frame leaves the stream position unknown: answer, then close.
                sendFinal(ErrorPage.response(e.status, e.message), version: .http1_1)
                linger = true
                break serving
            } catch {
                break serving
            }
            first = false
            writer.beginResponse()

            let expected: Int? = if case .length(let n) = head.framing { n } else { nil }
            let body = RequestBody(source: decoder, expectedLength: expected, limit: limits.maxBufferedBody,
                                   streamLimit: limits.maxStreamedBody,
                                   empty: head.framing == .none)
            let request = Request(head: head, body: body, peer: peer)
            var response: Response
            do {
                response = try handler.handle(request)
            } catch let e as HTTPError {
                response = e.response
            } catch {
                response = ErrorPage.internalError
            }

            if let failure = decoder.failure {
                // The body broke mid-way; whatever the handler said rests on a partial body.
                switch failure {
                case .transport(.timedOut) where !writer.wroteAnything:
                    sendFinal(ErrorPage.response(.requestTimeout), version: head.version)
                    linger = true
                case .malformed(let e) where !writer.wroteAnything:
                    sendFinal(ErrorPage.response(e.status, e.message), version: head.version)
                    linger = true
                default:
                    break
                }
                break serving
            }

            var keepAlive = head.keepAlive && !isStopping()
            if !decoder.bodyFinished {
                // Unread body: read small leftovers to keep the connection, otherwise close (RFC 9110 §10.1.1).
                // A body refused as too large is not read at all.
                if response.status == .contentTooLarge || (decoder.remainingLength ?? 0) > limits.maxDrainBytes || !decoder.drain(maxBytes: limits.maxDrainBytes) {
                    keepAlive = false
                    linger = true
                }
            }
            do {
                try writer.write(response, version: head.version, keepAlive: &keepAlive, isHead: head.method == .head)
            } catch {
                break serving
            }
            if !keepAlive {
                linger = true
                break serving
            }
        }
        return linger
    }

    private func sendFinal(_ response: Response, version: HTTPVersion) {
        var keepAlive = false
        try? writer.write(response, version: version, keepAlive: &keepAlive, isHead: false)
    }
}
