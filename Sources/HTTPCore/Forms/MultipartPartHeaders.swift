/// The header block of one multipart/form-data part (RFC 7578 §4), already checked.
public struct MultipartPartHeaders: Sendable, Equatable {
    /// The form field name from `Content-Disposition: form-data; name="…"` (RFC 7578 §4.2).
    /// Browsers percent-encode `"`, CR and LF in it as %22, %0D, %0A; it is kept as sent.
    public let name: String
    /// The sanitised file name (see `MultipartFileName`) if the part is a file, else nil.
    /// Never empty, never a path; at most 200 bytes of valid UTF-8.
    public let filename: String?
    /// The file name as the client sent it, after RFC 8187 decoding. Untrusted: for telling
    /// "no file chosen" (browsers send `filename=""` with no content) apart, never for paths.
    public let rawFilename: String?
    /// The part's Content-Type, or `text/plain`, the default of RFC 7578 §4.4.
    public let contentType: String
    /// Every header line of the part, unfolded, names and values as sent (values trimmed).
    public let headers: [(name: String, value: String)]

    /// A part is a file when its Content-Disposition has a filename (RFC 7578 §4.2).
    public var isFile: Bool { filename != nil }

    /// The value of the first header called `name`, compared case-insensitively.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }

    public init(
        name: String, filename: String?, rawFilename: String?, contentType: String,
        headers: [(name: String, value: String)]
    ) {
        self.name = name
        self.filename = filename
        self.rawFilename = rawFilename
        self.contentType = contentType
        self.headers = headers
    }

    public static func == (lhs: MultipartPartHeaders, rhs: MultipartPartHeaders) -> Bool {
        lhs.name == rhs.name && lhs.filename == rhs.filename && lhs.rawFilename == rhs.rawFilename
            && lhs.contentType == rhs.contentType
            && lhs.headers.elementsEqual(rhs.headers) { $0 == $1 }
    }

    /// Parses a header block: the bytes between a boundary line's CRLF and the blank line,
    /// without that blank line's CRLF CRLF.
    static func parse(_ block: ArraySlice<UInt8>) throws(FormError) -> MultipartPartHeaders {
        // RFC 7578 §5.1: header values are UTF-8 in practice (browsers send file names raw).
        guard let text = String(validating: block, as: UTF8.self) else {
            throw .badRequest("part headers are not valid UTF-8")
        }
        let headers = try lines(text)
        var disposition: String?
        var contentType: String?
        for (name, value) in headers {
            switch name.lowercased() {
            case "content-disposition":
                guard disposition == nil else { throw .badRequest("part has two Content-Disposition headers") }
                disposition = value
            case "content-type":
                guard contentType == nil else { throw .badRequest("part has two Content-Type headers") }
                contentType = value
            case "content-transfer-encoding":
                // RFC 7578 §4.7: deprecated and not decoded here; storing base64 as if it were
                // the file would be silently wrong, so only identity encodings pass.
                guard ["7bit", "8bit", "binary"].contains(value.lowercased()) else {
                    throw .badRequest("Content-Transfer-Encoding '\(value)' is not supported; send the part as binary")
                }
            default:
                break
            }
        }
        guard let disposition else {
            throw .badRequest("part has no Content-Disposition header")
        }
        let parsed = try MultipartHeaderParameters.parse(disposition, what: "Content-Disposition")
        guard parsed.value == "form-data" else {
            throw .badRequest("Content-Disposition of a part must be form-data")
        }
        guard let name = parsed.parameter("name") else {
            throw .badRequest("Content-Disposition of a part needs a name parameter")
        }
        // RFC 6266 §4.3: when both are present, filename* is the one meant.
        var rawFilename = parsed.parameter("filename")
        if let extended = parsed.parameter("filename*") {
            rawFilename = try decodeExtendedValue(extended)
        }
        return MultipartPartHeaders(
            name: name,
            filename: rawFilename.map(MultipartFileName.sanitize),
            rawFilename: rawFilename,
            contentType: contentType ?? "text/plain",
            headers: headers
        )
    }

    /// Splits on CRLF and unfolds continuation lines (RFC 5322 §2.2.3, which MIME part
    /// headers follow). A bare CR or LF is refused: readers split on them differently.
    private static func lines(_ text: String) throws(FormError) -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = []
        guard !text.isEmpty else { return headers }
        for line in text.split(separator: "\r\n", omittingEmptySubsequences: false) {
            guard !line.utf8.contains(.cr), !line.utf8.contains(.lf) else {
                throw .badRequest("part headers must end lines with CRLF")
            }
            if let first = line.utf8.first, first == .space || first == .tab {
                guard !headers.isEmpty else {
                    throw .badRequest("part headers start with a continuation line")
                }
                headers[headers.count - 1].value = trim(headers[headers.count - 1].value + " " + trim(line))
                continue
            }
            guard let colon = line.firstIndex(of: ":") else {
                throw .badRequest("part header line has no ':'")
            }
            let name = line[..<colon]
            // RFC 9110 §5.1: no whitespace between the name and the colon.
            guard !name.isEmpty, name.utf8.allSatisfy(MultipartHeaderParameters.isTokenByte) else {
                throw .badRequest("part header has an invalid name")
            }
            headers.append((name: String(name), value: trim(line[line.index(after: colon)...])))
        }
        return headers
    }

    private static func trim<S: StringProtocol>(_ string: S) -> String {
        var slice = Substring(string)
        while let first = slice.first, first == " " || first == "\t" { slice.removeFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice.removeLast() }
        return String(slice)
    }

    /// RFC 8187 §3.2 ext-value: `charset'[language]'pct-encoded`. UTF-8 must be supported;
    /// ISO-8859-1 is cheap to map; any other charset is refused rather than misread.
    static func decodeExtendedValue(_ value: String) throws(FormError) -> String {
        let pieces = value.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
        guard pieces.count == 3 else {
            throw .badRequest("filename* must look like UTF-8''name")
        }
        let bytes = try URLEncodedPercentCoding.decode(pieces[2].utf8, plusIsSpace: false)
        switch pieces[0].lowercased() {
        case "utf-8":
            return try URLEncodedPercentCoding.utf8String(bytes, what: "filename*")
        case "iso-8859-1":
            return String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
        default:
            throw .badRequest("filename* charset must be UTF-8")
        }
    }
}
