import Glibc

/// Why a request body could not be read to its end.
enum BodyFailure: Error, Equatable {
    case transport(TransportError)
    case malformed(HTTPParseError)
    case truncated
}

/// Turns the transport's byte stream into request heads and body bytes. Owns the read buffer;
/// enforces the head deadline, the idle timeout and the minimum body rate.
final class RequestDecoder: BodySource {
    enum BodyState { case none, length(Int), chunked, done }
    enum HeadOutcome { case head(RequestHead), closed, timedOutPartial }

    let transport: Transport
    let limits: HTTPLimits
    private var buffer: UnsafeMutableRawBufferPointer
    private var start = 0
    private var end = 0
    private let maxBuffer: Int

    private(set) var bodyState = BodyState.none
    private var chunked = ChunkedDecoder()
    private var bodyStart = MonotonicTime.now()
    private var bodyWireBytes = 0
    private(set) var continuePending = false
    private(set) var failure: BodyFailure?

    init(transport: Transport, limits: HTTPLimits) {
        self.transport = transport
        self.limits = limits
        maxBuffer = limits.maxRequestLine + limits.maxHeaderBytes + 1024
        buffer = .allocate(byteCount: min(16 * 1024, maxBuffer), alignment: 16)
    }

    deinit { buffer.deallocate() }

    var bodyFinished: Bool {
        if case .done = bodyState { return true }
        if case .none = bodyState { return true }
        return false
    }

    /// Reads the next head. The first request's deadline runs from accept; later ones get the
    /// idle timeout for their first byte and the head deadline from that byte on.
    func nextHead(first: Bool, acceptedAt: MonotonicTime) throws -> HeadOutcome {
        bodyState = .none
        failure = nil
        continuePending = false
        skipEmptyLines()
        var waitingFirstByte = start == end
        var deadline = first ? acceptedAt.adding(seconds: limits.headDeadline)
            : MonotonicTime.now().adding(seconds: waitingFirstByte ? limits.idleTimeout : limits.headDeadline)
        // Offset from `start` already searched; relative because makeRoom() moves the bytes.
        var scanned = 0
        while true {
            if let headEnd = findHeadEnd(from: start + scanned) {
                let head = try RequestHeadParser.parse(UnsafeRawBufferPointer(rebasing: buffer[start..<headEnd]), limits: limits)
                start += head.length
                beginBody(head)
                return .head(head)
            }
            scanned = max(0, end - start - 3)
            if end - start > 1024 {
                // Lets the parser name the limit that was crossed (414 or 431) before the head is whole.
                do { _ = try RequestHeadParser.parse(UnsafeRawBufferPointer(rebasing: buffer[start..<end]), limits: limits) }
                catch HTTPParseError.incomplete {}
                if end - start >= maxBuffer { throw HTTPParseError.headerFieldsTooLarge }
            }
            makeRoom()
            let n: Int
            do {
                n = try transport.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[end...]),
                                       deadline: deadline, interruptible: waitingFirstByte)
            } catch TransportError.timedOut {
                return waitingFirstByte && !first ? .closed : .timedOutPartial
            } catch {
                return .closed
            }
            if n == 0 { return .closed }
            end += n
            if waitingFirstByte {
                waitingFirstByte = false
                if !first { deadline = MonotonicTime.now().adding(seconds: limits.headDeadline) }
                skipEmptyLines()
                scanned = 0
            }
        }
    }

    /// RFC 9112 §2.2: empty lines before a request line are ignored.
    private func skipEmptyLines() {
        while end - start >= 2 && buffer[start] == 0x0D && buffer[start + 1] == 0x0A { start += 2 }
        if start == end { start = 0; end = 0 }
    }

    /// The end of the head: an LF followed by CRLF or by a bare LF (which the parser refuses).
    private func findHeadEnd(from: Int) -> Int? {
        guard let base = buffer.baseAddress else { return nil }
        var i = from
        while i < end {
            guard let p = memchr(base + i, 0x0A, end - i) else { return nil }
            let at = base.distance(to: UnsafeMutableRawPointer(p))
            if at + 1 < end && buffer[at + 1] == 0x0A { return at + 2 }
            if at + 2 < end && buffer[at + 1] == 0x0D && buffer[at + 2] == 0x0A { return at + 3 }
            if at + 2 >= end { return nil }
            i = at + 1
        }
        return nil
    }

    private func makeRoom() {
        if start > 0 {
            if start < end, let base = buffer.baseAddress { memmove(base, base + start, end - start) }
            end -= start
            start = 0
        }
        if end == buffer.count && buffer.count < maxBuffer {
            let bigger = UnsafeMutableRawBufferPointer.allocate(byteCount: min(buffer.count * 2, maxBuffer), alignment: 16)
            bigger.copyMemory(from: UnsafeRawBufferPointer(rebasing: buffer[0..<end]))
            buffer.deallocate()
            buffer = bigger
        }
    }

    private func beginBody(_ head: RequestHead) {
        switch head.framing {
        case .none: bodyState = .none
        case .length(let n): bodyState = .length(n)
        case .chunked:
            bodyState = .chunked
            chunked = ChunkedDecoder(limits: limits)
        }
        continuePending = head.expectsContinue && !bodyFinished
        bodyStart = MonotonicTime.now()
        bodyWireBytes = 0
    }

    /// Bytes the body is still owed (nil if chunked), for drain decisions.
    var remainingLength: Int? {
        switch bodyState {
        case .length(let n): return n
        case .none, .done: return 0
        case .chunked: return nil
        }
    }

    // MARK: body

    /// Reads decoded body bytes into `dst`; 0 means the body ended.
    func readBody(into dst: UnsafeMutableRawBufferPointer) throws -> Int {
        if let failure { throw failure }
        guard dst.count > 0 else { return 0 }
        switch bodyState {
        case .none, .done:
            return 0
        case .length(let remaining):
            try sendContinueIfNeeded()
            let want = min(remaining, dst.count)
            let n: Int
            if end > start {
                n = min(want, end - start)
                dst.copyMemory(from: UnsafeRawBufferPointer(rebasing: buffer[start..<(start + n)]))
                start += n
            } else {
                // Straight into the caller's buffer: a large upload is never copied twice.
                n = try readWire(into: UnsafeMutableRawBufferPointer(rebasing: dst[0..<want]))
            }
            bodyState = remaining - n == 0 ? .done : .length(remaining - n)
            return n
        case .chunked:
            try sendContinueIfNeeded()
            while true {
                if end > start {
                    let (consumed, produced): (Int, Int)
                    do {
                        (consumed, produced) = try chunked.decode(UnsafeRawBufferPointer(rebasing: buffer[start..<end]), into: dst)
                    } catch let e as HTTPParseError {
                        failure = .malformed(e)
                        throw failure!
                    }
                    start += consumed
                    if chunked.isComplete { bodyState = .done }
                    if produced > 0 || chunked.isComplete { return produced }
                }
                start = 0
                end = 0
                end = try readWire(into: buffer)
            }
        }
    }

    /// Deadline from the minimum rate: after the grace window, the bytes received so far must
    /// average at least `minBodyBytesPerSecond`; waiting past that point means the client is too slow.
    private func readWire(into dst: UnsafeMutableRawBufferPointer) throws -> Int {
        let rate = Double(max(limits.minBodyBytesPerSecond, 1))
        let deadline = bodyStart.adding(seconds: limits.bodyRateGrace + Double(bodyWireBytes) / rate)
        let n: Int
        do {
            n = try transport.read(into: dst, deadline: deadline, interruptible: false)
        } catch let e as TransportError {
            failure = .transport(e)
            throw failure!
        }
        if n == 0 {
            failure = .truncated
            throw failure!
        }
        bodyWireBytes += n
        return n
    }

    /// RFC 9110 §10.1.1: the interim 100 goes out only when the handler actually reads the body.
    private func sendContinueIfNeeded() throws {
        guard continuePending else { return }
        continuePending = false
        let line: StaticString = "HTTP/1.1 100 Continue\r\n\r\n"
        do {
            try transport.write(UnsafeRawBufferPointer(start: line.utf8Start, count: line.utf8CodeUnitCount))
        } catch let e as TransportError {
            failure = .transport(e)
            throw failure!
        }
    }

    /// Reads and discards the rest of the body, up to `maxBytes`; false if it could not.
    func drain(maxBytes: Int) -> Bool {
        if continuePending { return false }
        var scratch = [UInt8](repeating: 0, count: 16 * 1024)
        var total = 0
        while !bodyFinished {
            guard let n = try? scratch.withUnsafeMutableBytes({ try readBody(into: $0) }) else { return false }
            total += n
            if total > maxBytes { return false }
        }
        return true
    }
}
