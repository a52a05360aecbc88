// Test support only (no source counterpart): hex literals for known-answer vectors.
import XCTest
@testable import Vault

func hex(_ string: String) -> [UInt8] {
    let clean = string.filter { !$0.isWhitespace }
    precondition(clean.count % 2 == 0, "odd hex literal")
    var out: [UInt8] = []
    var index = clean.startIndex
    while index < clean.endIndex {
        let next = clean.index(index, offsetBy: 2)
        out.append(UInt8(clean[index..<next], radix: 16)!)
        index = next
    }
    return out
}

func hex(_ bytes: [UInt8]) -> String {
    bytes.map { String(format2: $0) }.joined()
}

func secure(_ hexString: String) -> SecureBytes { SecureBytes(hex(hexString)) }

/// Every copy of `data` with exactly one bit flipped (position, copy), for tamper tests.
func singleBitFlips(_ data: [UInt8]) -> [(position: Int, altered: [UInt8])] {
    var out: [(position: Int, altered: [UInt8])] = []
    for position in data.indices {
        for bit in 0..<8 {
            var copy = data
            copy[position] ^= UInt8(1 << bit)
            out.append((position, copy))
        }
    }
    return out
}
