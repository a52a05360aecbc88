/// A streaming multipart/form-data parser (RFC 7578, with the body syntax of RFC 2046 §5.1).
///
/// Feed it the body in chunks of any size; it returns events as soon as they are certain.
/// While it reads a part's content it holds back at most `delimiter.count - 1` bytes (a possible
/// start of the next boundary), so memory per part is constant whatever the file size.
public struct MultipartParser: Sendable {
    private enum State: Sendable {
        case preamble
        /// Just after a delimiter: either `--` (the close delimiter) or padding and CRLF follow.
        case afterDelimiter
        case transportPadding
        /// Padding ended with CR; LF must follow.
        case expectLineFeed
        case headers
        case body
        case epilogue
        case failed(FormError)
    }

    public let limits: MultipartLimits
    /// `CRLF -- boundary` (RFC 2046 §5.1.1 "delimiter").
    private let delimiter: [UInt8]
    private var state: State = .preamble
    private var buffer: [UInt8]
    /// Where the search for the end of the header block resumes, so feeding a header block
    /// byte by byte stays linear.
    private var headerScanStart = 0
    private var partCount = 0
    private var partBytes = 0
    private var partIsFile = false
    private var totalBytes = 0

    /// Bytes held between calls; bounded by the delimiter length, or by the header limit while
    /// a header block is read. Exposed for tests that check memory stays constant.
    var bufferedByteCount: Int { buffer.count }

    /// Creates a parser from the request's Content-Type header value, e.g.
    /// `multipart/form-data; boundary=----WebKitFormBoundaryx`.
    public init(contentType: String, limits: MultipartLimits = .init()) throws(FormError) {
        self.init(boundary: try MultipartBoundary.extract(fromContentType: contentType), limits: limits)
    }

    init(boundary: [UInt8], limits: MultipartLimits) {
        self.limits = limits
        self.delimiter = [.cr, .lf, .dash, .dash] + boundary
        // The first boundary may open the body with no CRLF before it (RFC 2046 §5.1.1:
        // the CRLF belongs to the delimiter, and there is none before an empty preamble).
        // Starting the preamble with a virtual CRLF lets one delimiter search serve both.
        self.buffer = [.cr, .lf]
    }

    public mutating func feed(_ bytes: [UInt8]) throws(FormError) -> [MultipartEvent] {
        try feedCollection(bytes)
    }

    public mutating func feed(_ bytes: UnsafeRawBufferPointer) throws(FormError) -> [MultipartEvent] {
        try feedCollection(bytes)
    }

    private mutating func feedCollection<C: Collection<UInt8>>(
        _ bytes: C
    ) throws(FormError) -> [MultipartEvent] {
        if case .failed(let error) = state { throw error }
        do throws(FormError) {
            totalBytes += bytes.count
            guard totalBytes <= limits.maxTotalBytes else {
                throw FormError.tooLarge("form body is over \(limits.maxTotalBytes) bytes; send less")
            }
            if case .epilogue = state { return [] }  // RFC 2046: the epilogue is to be ignored.
            buffer.append(contentsOf: bytes)
            var events: [MultipartEvent] = []
            try process(into: &events)
            return events
        } catch {
            state = .failed(error)
            buffer = []
            throw error
        }
    }

    /// Call at the end of the body: a body that stops before its close delimiter
    /// (`--boundary--`) was cut short, and its last part may be incomplete.
    public mutating func finish() throws(FormError) {
        switch state {
        case .epilogue:
            return
        case .failed(let error):
            throw error
        default:
            let error = FormError.badRequest(
                "multipart body ended before its closing boundary '--\(boundaryText)--'; send the whole body")
            state = .failed(error)
            buffer = []
            throw error
        }
    }

    /// True once the close delimiter has been read.
    public var isComplete: Bool {
        if case .epilogue = state { return true }
        return false
    }

    private var boundaryText: String {
        String(decoding: delimiter.dropFirst(4), as: UTF8.self)
    }

    private mutating func process(into events: inout [MultipartEvent]) throws(FormError) {
        var consumed = 0
        defer {
            buffer.removeSubrange(0..<consumed)
            headerScanStart = max(0, headerScanStart - consumed)
        }
        loop: while true {
            let available = buffer.count - consumed
            switch state {
            case .preamble:
                if let found = find(delimiter, from: consumed) {
                    consumed = found + delimiter.count
                    state = .afterDelimiter
                } else {
                    consumed = max(consumed, buffer.count - (delimiter.count - 1))
                    break loop
                }
            case .afterDelimiter:
                guard available >= 2 else { break loop }
                if buffer[consumed] == .dash && buffer[consumed + 1] == .dash {
                    consumed = buffer.count
                    state = .epilogue
                    break loop
                }
                state = .transportPadding
            case .transportPadding:
                guard available >= 1 else { break loop }
                let byte = buffer[consumed]
                consumed += 1
                switch byte {
                case .space, .tab: break  // RFC 2046 §5.1.1 transport-padding
                case .cr: state = .expectLineFeed
                default:
                    throw FormError.badRequest("a boundary line must end with CRLF")
                }
            case .expectLineFeed:
                guard available >= 1 else { break loop }
                guard buffer[consumed] == .lf else {
                    throw FormError.badRequest("a boundary line must end with CRLF")
                }
                consumed += 1
                state = .headers
                headerScanStart = consumed
            case .headers:
                // An empty header block is just the CRLF of the blank line.
                let end: Int
                let next: Int
                if available >= 2, buffer[consumed] == .cr, buffer[consumed + 1] == .lf {
                    end = consumed
                    next = consumed + 2
                } else if let found = find(Self.headerTerminator, from: max(consumed, headerScanStart)) {
                    end = found
                    next = found + 4
                } else {
                    if available > limits.maxPartHeaderBytes + 3 {
                        throw FormError.tooLarge(
                            "a part's headers are over \(limits.maxPartHeaderBytes) bytes; shorten them")
                    }
                    if available < 2 { break loop }
                    headerScanStart = max(consumed, buffer.count - 3)
                    break loop
                }
                guard end - consumed <= limits.maxPartHeaderBytes else {
                    throw FormError.tooLarge(
                        "a part's headers are over \(limits.maxPartHeaderBytes) bytes; shorten them")
                }
                guard partCount < limits.maxParts else {
                    throw FormError.tooLarge("form has more than \(limits.maxParts) parts; send fewer")
                }
                let headers = try MultipartPartHeaders.parse(buffer[consumed..<end])
                partCount += 1
                partBytes = 0
                partIsFile = headers.isFile
                events.append(.partBegin(headers))
                consumed = next
                state = .body
            case .body:
                let dataEnd: Int
                let found = find(delimiter, from: consumed)
                if let found {
                    dataEnd = found
                } else {
                    dataEnd = max(consumed, buffer.count - (delimiter.count - 1))
                }
                if dataEnd > consumed {
                    partBytes += dataEnd - consumed
                    try checkPartSize()
                    events.append(.partData(Array(buffer[consumed..<dataEnd])))
                    consumed = dataEnd
                }
                guard let found else { break loop }
                events.append(.partEnd)
                consumed = found + delimiter.count
                state = .afterDelimiter
            case .epilogue, .failed:
                consumed = buffer.count
                break loop
            }
        }
    }

    private func checkPartSize() throws(FormError) {
        if partIsFile, partBytes > limits.maxFileBytes {
            throw FormError.tooLarge("a file is over \(limits.maxFileBytes) bytes; send a smaller one")
        }
        if !partIsFile, partBytes > limits.maxFieldBytes {
            throw FormError.tooLarge("a form field is over \(limits.maxFieldBytes) bytes; shorten it")
        }
    }

    private static let headerTerminator: [UInt8] = [.cr, .lf, .cr, .lf]

    /// The first index at or after `start` where `needle` occurs in the buffer.
    private func find(_ needle: [UInt8], from start: Int) -> Int? {
        buffer.withUnsafeBufferPointer { haystack in
            needle.withUnsafeBufferPointer { needle in
                guard let first = needle.first, haystack.count >= needle.count else { return nil }
                var index = start
                let last = haystack.count - needle.count
                while index <= last {
                    if haystack[index] == first {
                        var matched = 1
                        while matched < needle.count, haystack[index + matched] == needle[matched] {
                            matched += 1
                        }
                        if matched == needle.count { return index }
                    }
                    index += 1
                }
                return nil
            }
        }
    }
}
