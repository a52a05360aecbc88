/// A fixed-capacity, growable-to-capacity byte buffer wiped with OPENSSL_cleanse on release and
/// on `removeAll`. Holds one chunk of plaintext in the streaming cipher.
final class WipedBuffer {
    let capacity: Int
    private(set) var count = 0
    private let pointer: UnsafeMutableRawPointer

    init(capacity: Int) {
        precondition(capacity >= 0)
        self.capacity = capacity
        pointer = UnsafeMutableRawPointer.allocate(byteCount: max(capacity, 1), alignment: 16)
        pointer.initializeMemory(as: UInt8.self, repeating: 0, count: max(capacity, 1))
    }

    deinit {
        secureWipe(UnsafeMutableRawBufferPointer(start: pointer, count: max(capacity, 1)))
        pointer.deallocate()
    }

    var isFull: Bool { count == capacity }
    var space: Int { capacity - count }

    /// Appends as much of `bytes` as fits; returns how many bytes were taken.
    @discardableResult
    func append(_ bytes: UnsafeRawBufferPointer) -> Int {
        let taken = min(space, bytes.count)
        if taken > 0 { (pointer + count).copyMemory(from: bytes.baseAddress!, byteCount: taken) }
        count += taken
        return taken
    }

    func removeAll() {
        secureWipe(UnsafeMutableRawBufferPointer(start: pointer, count: count))
        count = 0
    }

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: pointer, count: count) }
    var wholeCapacity: UnsafeMutableRawBufferPointer { UnsafeMutableRawBufferPointer(start: pointer, count: capacity) }
}
