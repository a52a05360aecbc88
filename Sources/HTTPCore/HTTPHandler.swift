/// The one contract between the connection and the application: a synchronous call on the
/// connection's own thread, so CPU-heavy handlers (key derivation) run on a real thread.
public protocol HTTPHandler: Sendable {
    func handle(_ request: Request) throws -> Response
}

/// A closure as a handler.
public struct HandlerClosure: HTTPHandler {
    let body: @Sendable (Request) throws -> Response
    public init(_ body: @escaping @Sendable (Request) throws -> Response) { self.body = body }
    public func handle(_ request: Request) throws -> Response { try body(request) }
}
