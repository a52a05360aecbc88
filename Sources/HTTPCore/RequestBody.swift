/// Where body bytes come from: the connection, or memory (tests, already-buffered bodies).
protocol BodySource: AnyObject {
    func readBody(into dst: UnsafeMutableRawBufferPointer) throws -> Int
}

/// A request body, read chunk by chunk straight from the connection (dechunked on the fly), or
/// collected into memory up to a limit. Reading past the limit throws `HTTPError` 413.
public final class RequestBody {
    private let source: BodySource?
    private var memory: [UInt8]
    private var memoryOffset = 0
    /// Content-Length when the client sent one.
    public let expectedLength: Int?
    /// Largest body this request may carry; set by the route.
    public var limit: Int
    /// The server's default cap for routes that stream and name no limit of their own.
    let streamLimit: Int
    public private(set) var bytesRead = 0
    public private(set) var isFinished = false
    /// The whole body, once `collect` has run (the router does this for non-streaming routes).
    public private(set) var collected: [UInt8]?

    init(source: BodySource, expectedLength: Int?, limit: Int, streamLimit: Int, empty: Bool) {
        self.source = empty ? nil : source
        self.streamLimit = streamLimit
        memory = []
        self.expectedLength = expectedLength
        self.limit = limit
        isFinished = empty
        if empty { collected = [] }
    }

    /// An in-memory body, for calling handlers without a network.
    public init(bytes: [UInt8], limit: Int = .max) {
        source = nil
        memory = bytes
        expectedLength = bytes.count
        self.limit = limit
        streamLimit = limit
        isFinished = bytes.isEmpty
        collected = bytes
    }

    /// Reads up to `buffer.count` bytes; returns 0 at the end of the body.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if isFinished || buffer.count == 0 { return 0 }
        if let expectedLength, expectedLength > limit { throw HTTPError(.contentTooLarge) }
        let n: Int
        if let source {
            n = try source.readBody(into: buffer)
        } else {
            n = min(buffer.count, memory.count - memoryOffset)
            memory.withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[memoryOffset..<(memoryOffset + n)])) }
            memoryOffset += n
        }
        if n == 0 { isFinished = true }
        bytesRead += n
        if bytesRead > limit { throw HTTPError(.contentTooLarge) }
        return n
    }

    /// The next piece of the body (at most `maxLength` bytes), or nil at its end.
    public func next(maxLength: Int = 64 * 1024) throws -> [UInt8]? {
        var chunk = [UInt8](repeating: 0, count: maxLength)
        let n = try chunk.withUnsafeMutableBytes { try read(into: $0) }
        if n == 0 { return nil }
        chunk.removeLast(maxLength - n)
        return chunk
    }

    /// Reads the rest of the body into memory, refusing more than `limit` bytes with 413.
    @discardableResult
    public func collect(limit: Int? = nil) throws -> [UInt8] {
        if let l = limit { self.limit = min(self.limit, l) }
        if let collected {
            if collected.count > self.limit { throw HTTPError(.contentTooLarge) }
            return collected
        }
        if let expectedLength, expectedLength > self.limit { throw HTTPError(.contentTooLarge) }
        var all = [UInt8]()
        if let expectedLength { all.reserveCapacity(expectedLength) }
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let n = try chunk.withUnsafeMutableBytes { try read(into: $0) }
            if n == 0 { break }
            all.append(contentsOf: chunk[0..<n])
        }
        collected = all
        return all
    }
}
