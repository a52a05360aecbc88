// libFuzzer target for MultipartParser. Built by scripts/fuzz.sh together with
// Sources/HTTPCore/Forms/*.swift in one module, so internal names are visible here.
//
// Input layout: byte 0 picks the chunk size; byte 1 is the length n of the Content-Type
// header value in the next n bytes (0: "multipart/form-data; boundary=fuzz"); the rest is
// the body. Seeds in corpus/ follow it.

private let limits = MultipartLimits(
    maxParts: 16, maxPartHeaderBytes: 512, maxFieldBytes: 2048, maxFileBytes: 4096,
    maxTotalBytes: 1 << 30)  // never hit: a total check would fire at a chunking-dependent point

private struct Outcome: Equatable {
    var events: [MultipartEvent]
    var error: FormError?
}

private func merged(_ events: [MultipartEvent]) -> [MultipartEvent] {
    var out: [MultipartEvent] = []
    for event in events {
        if case .partData(let bytes) = event {
            precondition(!bytes.isEmpty, "empty partData event")
            if case .partData(let previous)? = out.last {
                out[out.count - 1] = .partData(previous + bytes)
                continue
            }
        }
        out.append(event)
    }
    return out
}

private func run(_ contentType: String, _ body: [UInt8], chunkSize: Int) -> Outcome {
    var parser: MultipartParser
    do {
        parser = try MultipartParser(contentType: contentType, limits: limits)
    } catch {
        return Outcome(events: [], error: error)
    }
    let bound = max(80, limits.maxPartHeaderBytes + 4)
    var events: [MultipartEvent] = []
    var offset = 0
    do {
        while offset < body.count {
            let end = min(offset + chunkSize, body.count)
            events += try parser.feed(Array(body[offset..<end]))
            precondition(parser.bufferedByteCount <= bound, "buffer grew to \(parser.bufferedByteCount)")
            offset = end
        }
        try parser.finish()
    } catch {
        return Outcome(events: merged(events), error: error)
    }
    return Outcome(events: merged(events), error: nil)
}

private func check(_ outcome: Outcome) {
    if let error = outcome.error {
        precondition([400, 413, 415].contains(error.status) && !error.message.isEmpty, "bad error \(error)")
        return
    }
    var open = false
    var partBytes = 0
    var parts = 0
    var isFile = false
    for event in outcome.events {
        switch event {
        case .partBegin(let headers):
            precondition(!open, "partBegin inside a part")
            open = true
            parts += 1
            partBytes = 0
            isFile = headers.isFile
            if let name = headers.filename {
                precondition(!name.isEmpty && name.utf8.count <= 200, "bad file name length")
                precondition(!name.contains("/") && !name.contains("\\") && !name.hasPrefix("."), "bad file name \(name)")
                precondition(!name.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }, "control in name")
            }
        case .partData(let bytes):
            precondition(open, "data outside a part")
            partBytes += bytes.count
            precondition(partBytes <= (isFile ? limits.maxFileBytes : limits.maxFieldBytes), "part over limit")
        case .partEnd:
            precondition(open, "partEnd outside a part")
            open = false
        }
    }
    precondition(!open && parts <= limits.maxParts, "unbalanced or too many parts")
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMultipart(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 2 else { return 0 }
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    let selector = Int(input[0])
    let typeLength = min(Int(input[1]), size - 2)
    let contentType = typeLength == 0
        ? "multipart/form-data; boundary=fuzz"
        : String(decoding: input[2..<2 + typeLength], as: UTF8.self)
    let body = Array(input[(2 + typeLength)...])
    let chunkSize = selector < 128 ? selector % 16 + 1 : (selector - 127) * 61
    // Invariant: one chunk and small chunks give the same events and the same error.
    let whole = run(contentType, body, chunkSize: max(body.count, 1))
    let chunked = run(contentType, body, chunkSize: chunkSize)
    check(whole)
    check(chunked)
    if whole.error == nil && chunked.error == nil {
        precondition(whole.events == chunked.events, "events differ with chunk size \(chunkSize)")
    } else {
        precondition(whole.error == chunked.error, "errors differ: \(String(describing: whole.error)) vs \(String(describing: chunked.error))")
    }
    return 0
}
