// Reed–Solomon error correction for QR Code symbols (ISO/IEC 18004:2015, 7.5).

/// Arithmetic in GF(2^8) as used by QR Code.
///
/// ISO/IEC 18004:2015, 7.5.2 fixes the field to the prime polynomial
/// x^8 + x^4 + x^3 + x^2 + 1 (0x11D) with α = 2; a reader rebuilds the same
/// field, so any other polynomial would produce undecodable symbols.
enum GF256 {
    /// The field's prime polynomial, including the x^8 term.
    static let primitivePolynomial = 0x11D

    /// α^i for i in 0..<510. Doubled in length so that `multiply` can add two
    /// logarithms without reducing modulo 255.
    static let exp: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 510)
        var value = 1
        for i in 0..<255 {
            table[i] = UInt8(value)
            table[i + 255] = UInt8(value)
            value <<= 1
            if value & 0x100 != 0 { value ^= primitivePolynomial }
        }
        return table
    }()

    /// log_α(v) for v in 1...255; index 0 is unused (zero has no logarithm).
    static let log: [Int] = {
        var table = [Int](repeating: 0, count: 256)
        for i in 0..<255 { table[Int(exp[i])] = i }
        return table
    }()

    static func multiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        if a == 0 || b == 0 { return 0 }
        return exp[log[Int(a)] + log[Int(b)]]
    }

    /// Multiplicative inverse; `a` must be non-zero.
    static func inverse(_ a: UInt8) -> UInt8 {
        precondition(a != 0, "zero has no inverse in GF(256)")
        return exp[255 - log[Int(a)]]
    }
}

/// Systematic Reed–Solomon encoder over `GF256`.
enum ReedSolomon {
    /// Coefficients of the generator polynomial g(x) = ∏_{i=0}^{degree-1} (x − α^i),
    /// highest power first, with the leading (monic) 1 omitted.
    ///
    /// ISO/IEC 18004:2015, 7.5.2 and Annex A start the roots at α^0; starting
    /// elsewhere (as some other RS codes do) would give a different code.
    static func generator(degree: Int) -> [UInt8] {
        precondition((1...255).contains(degree), "RS degree out of range")
        var coefficients = [UInt8](repeating: 0, count: degree)
        coefficients[degree - 1] = 1  // start from the constant polynomial 1
        var root: UInt8 = 1
        for _ in 0..<degree {
            // Multiply the running product by (x − root); in GF(2^8) minus is XOR.
            for j in 0..<degree {
                coefficients[j] = GF256.multiply(coefficients[j], root)
                if j + 1 < degree { coefficients[j] ^= coefficients[j + 1] }
            }
            root = GF256.multiply(root, 2)
        }
        return coefficients
    }

    /// The `count` error correction codewords for one block: the remainder of
    /// data(x)·x^count divided by g(x) (ISO/IEC 18004:2015, 7.5.2).
    static func errorCorrection(for data: [UInt8], count: Int) -> [UInt8] {
        remainder(of: data, generator: generator(degree: count))
    }

    static func remainder(of data: [UInt8], generator: [UInt8]) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: generator.count)
        for byte in data {
            let factor = byte ^ result[0]
            result.removeFirst()
            result.append(0)
            if factor == 0 { continue }
            for i in 0..<result.count {
                result[i] ^= GF256.multiply(generator[i], factor)
            }
        }
        return result
    }
}
