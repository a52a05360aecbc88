/// A transport that only collects what is written: lets the server serialize a response
/// (the 503 for a refused connection) without a connection thread.
final class MemoryTransport: Transport {
    private(set) var written: [UInt8] = []
    func read(into buffer: UnsafeMutableRawBufferPointer, deadline: MonotonicTime, interruptible: Bool) throws -> Int { 0 }
    func write(_ bytes: UnsafeRawBufferPointer) throws { written.append(contentsOf: bytes) }
    func close(lingering: Bool) {}
}
