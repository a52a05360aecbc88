// libFuzzer target for the server's RequestHeadParser (Sources/HTTPCore/RequestHeadParser.swift).
// Built by scripts/fuzz.sh with every HTTPCore source in one module.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRequestHead(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    // Any thrown error is a refusal, which is fine; only crashes, leaks and hangs count.
    let first = try? RequestHeadParser.parse(bytes, limits: .init())
    // Invariant: parsing is deterministic.
    let second = try? RequestHeadParser.parse(bytes, limits: .init())
    precondition((first == nil) == (second == nil), "RequestHeadParser.parse is not deterministic")
    return 0
}
