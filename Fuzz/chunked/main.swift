// libFuzzer target for the server's ChunkedDecoder (Sources/HTTPCore/ChunkedDecoder.swift).
// Built by scripts/fuzz.sh with every HTTPCore source in one module.

/// Decodes `bytes` fed `chunkSize` bytes at a time; nil if the decoder refused them.
private func decode(_ bytes: [UInt8], chunkSize: Int) -> (output: [UInt8], complete: Bool)? {
    var decoder = ChunkedDecoder()
    var output: [UInt8] = []
    var offset = 0
    while offset < bytes.count, !decoder.isComplete {
        let end = min(offset + chunkSize, bytes.count)
        guard let decoded = try? decoder.feed(Array(bytes[offset..<end])) else { return nil }
        output += decoded
        offset = end
    }
    return (output, decoder.isComplete)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzChunked(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    let chunkSize = Int(input[0]) % 32 + 1
    let body = Array(input.dropFirst())
    let whole = decode(body, chunkSize: max(body.count, 1))
    let split = decode(body, chunkSize: chunkSize)
    // Invariant: a complete, accepted body decodes the same however it is split.
    if let whole, let split, whole.complete, split.complete {
        precondition(whole.output == split.output, "output depends on how the body was split")
    }
    // Decoded output can never be longer than its encoding.
    if let whole { precondition(whole.output.count <= body.count, "output longer than input") }
    return 0
}
