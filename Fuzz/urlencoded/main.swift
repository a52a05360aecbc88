// libFuzzer target for URLEncodedForm. Built by scripts/fuzz.sh together with
// Sources/HTTPCore/Forms/*.swift in one module, so internal names are visible here.

/// Larger than any input libFuzzer makes, so the round trip below is never cut by a limit.
private let roomyLimits = FormLimits(
    maxFields: 1 << 20, maxNameBytes: 1 << 24, maxValueBytes: 1 << 24, maxTotalBytes: 1 << 26)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzURLEncoded(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let limits = FormLimits(maxFields: 64, maxNameBytes: 64, maxValueBytes: 1024, maxTotalBytes: 8192)
    let pairs: [(name: String, value: String)]
    do {
        pairs = try URLEncodedForm.parse(bytes, limits: limits)
    } catch {
        precondition(error.status == 400 || error.status == 413, "unexpected status \(error)")
        precondition(!error.message.isEmpty)
        return 0
    }
    precondition(pairs.count <= limits.maxFields)
    for pair in pairs {
        precondition(pair.name.utf8.count <= limits.maxNameBytes && pair.value.utf8.count <= limits.maxValueBytes)
        precondition(!pair.name.utf8.contains(0) && !pair.value.utf8.contains(0), "NUL got through")
    }
    // Invariant: serialize(parse(x)) parses back to the same pairs, and serializes the same.
    let serialized = URLEncodedForm.serialize(pairs)
    let again: [(name: String, value: String)]
    do {
        again = try URLEncodedForm.parse(serialized, limits: roomyLimits)
    } catch {
        preconditionFailure("serialized form does not parse back: \(error)")
    }
    precondition(again.elementsEqual(pairs) { $0 == $1 }, "round trip changed the pairs")
    precondition(URLEncodedForm.serialize(again) == serialized, "serialization is not stable")
    return 0
}
