/// Collects the plain fields of a multipart/form-data body in memory and streams each file
/// part into a sink the caller opens, for forms whose fields are small and whose files may
/// be large. Field memory is bounded by `maxParts × maxFieldBytes`.
public struct MultipartFieldCollector<Sink: FilePartSink> {
    public struct Result {
        /// Plain fields, in body order, values decoded as UTF-8.
        public var fields: [(name: String, value: String)]
        /// File parts, in body order, with their finished sinks.
        public var files: [(headers: MultipartPartHeaders, sink: Sink)]

        public func first(_ name: String) -> String? {
            fields.first { $0.name == name }?.value
        }

        public func all(_ name: String) -> [String] {
            fields.filter { $0.name == name }.map(\.value)
        }
    }

    private var parser: MultipartParser
    private let openFile: (MultipartPartHeaders) throws -> Sink
    private var result = Result(fields: [], files: [])
    private var currentField: (name: String, bytes: [UInt8])?
    private var currentFile: (headers: MultipartPartHeaders, sink: Sink)?

    public init(
        contentType: String, limits: MultipartLimits = .init(),
        openFile: @escaping (MultipartPartHeaders) throws -> Sink
    ) throws(FormError) {
        self.parser = try MultipartParser(contentType: contentType, limits: limits)
        self.openFile = openFile
    }

    /// Feeds the next chunk of the body. Throws `FormError` for a bad body, or whatever a
    /// sink throws; either way every open sink has been aborted.
    public mutating func feed(_ bytes: [UInt8]) throws {
        do {
            for event in try parser.feed(bytes) {
                try handle(event)
            }
        } catch {
            abortAll()
            throw error
        }
    }

    /// Ends the body and returns what was collected.
    public mutating func finish() throws -> Result {
        do {
            try parser.finish()
        } catch {
            abortAll()
            throw error
        }
        return result
    }

    private mutating func handle(_ event: MultipartEvent) throws {
        switch event {
        case .partBegin(let headers):
            if headers.isFile {
                currentFile = (headers, try openFile(headers))
            } else {
                currentField = (headers.name, [])
            }
        case .partData(let bytes):
            if currentFile != nil {
                try currentFile!.sink.write(bytes)
            } else {
                currentField?.bytes.append(contentsOf: bytes)
            }
        case .partEnd:
            if var file = currentFile {
                currentFile = nil
                do {
                    try file.sink.finish()
                } catch {
                    file.sink.abort()
                    throw error
                }
                result.files.append(file)
            } else if let field = currentField {
                currentField = nil
                let value = try URLEncodedPercentCoding.utf8String(field.bytes, what: "form field '\(field.name)'")
                guard !field.bytes.contains(0) else {
                    throw FormError.badRequest("form field '\(field.name)' must not contain NUL")
                }
                result.fields.append((name: field.name, value: value))
            }
        }
    }

    /// Gives up on the body (e.g. the connection failed): every sink is aborted.
    public mutating func abort() {
        abortAll()
    }

    private mutating func abortAll() {
        currentFile?.sink.abort()
        currentFile = nil
        for index in result.files.indices {
            result.files[index].sink.abort()
        }
        result.files = []
        result.fields = []
    }
}

extension MultipartParser {
    /// Reads a whole multipart/form-data body with `read` (which returns nil at its end),
    /// keeping plain fields in memory and streaming every file part into the sink that
    /// `openFile` returns for it.
    public static func collectFields<Sink: FilePartSink>(
        contentType: String,
        limits: MultipartLimits = .init(),
        read: () throws -> [UInt8]?,
        openFile: @escaping (MultipartPartHeaders) throws -> Sink
    ) throws -> MultipartFieldCollector<Sink>.Result {
        var collector = try MultipartFieldCollector(contentType: contentType, limits: limits, openFile: openFile)
        do {
            while let chunk = try read() {
                try collector.feed(chunk)
            }
        } catch {
            collector.abort()
            throw error
        }
        return try collector.finish()
    }

    /// The same for a body already in memory.
    public static func collectFields<Sink: FilePartSink>(
        contentType: String,
        limits: MultipartLimits = .init(),
        body: [UInt8],
        openFile: @escaping (MultipartPartHeaders) throws -> Sink
    ) throws -> MultipartFieldCollector<Sink>.Result {
        var delivered = false
        return try collectFields(contentType: contentType, limits: limits, read: {
            if delivered { return nil }
            delivered = true
            return body
        }, openFile: openFile)
    }
}
