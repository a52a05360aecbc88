// libFuzzer target for ISOBMFFMetadataStripper (MP4, MOV, HEIC). Built by scripts/fuzz.sh
// together with Sources/Presentation/Metadata/*.swift in one module, so internal names are
// visible here.
//
// Input layout: byte 0 picks the chunk size; the rest is the file. Seeds in corpus/ follow it.

private struct Outcome: Equatable {
    var output: [UInt8]
    var error: MetadataError?
}

private func run(_ file: [UInt8], chunkSize: Int) -> Outcome {
    var stripper = ISOBMFFMetadataStripper()
    var out: [UInt8] = []
    var offset = 0
    do {
        while offset < file.count {
            let end = min(offset + chunkSize, file.count)
            out += try stripper.feed(Array(file[offset ..< end]))
            precondition(stripper.bufferedByteCount <= ISOBMFFMetadataStripper.maxBufferedBox + 16, "buffer grew")
            offset = end
        }
        out += try stripper.finish()
    } catch let error as MetadataError {
        return Outcome(output: [], error: error)
    } catch {
        preconditionFailure("not a MetadataError: \(error)")
    }
    return Outcome(output: out, error: nil)
}

/// A cleaned file is a sequence of top-level boxes whose sizes add up to its length.
private func checkBoxes(_ b: [UInt8]) {
    var i = 0
    while i < b.count {
        precondition(i + 8 <= b.count, "a box header runs past the end")
        var size = b[i ..< i + 4].reduce(0) { $0 << 8 | Int($1) }
        if size == 1 {
            precondition(i + 16 <= b.count, "a 64-bit header runs past the end")
            size = b[i + 8 ..< i + 16].reduce(0) { $0 << 8 | Int($1) }
        } else if size == 0 {
            size = b.count - i
        }
        precondition(size >= 8 && size <= b.count - i, "box size \(size) at \(i) outside the file")
        i += size
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzISOBMFF(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    let chunkSize = Int(input[0]) % 64 + 1
    let file = Array(input[1...])
    let whole = run(file, chunkSize: max(file.count, 1))
    let chunked = run(file, chunkSize: chunkSize)
    precondition(whole.output == chunked.output, "output differs with chunk size \(chunkSize)")
    precondition(whole.error == chunked.error, "errors differ: \(String(describing: whole.error)) vs \(String(describing: chunked.error))")
    if whole.error == nil { checkBoxes(whole.output) }
    return 0
}
