import COpenSSL
import Synchronization

/// scrypt cost parameters, stored beside every output so that they can be raised later.
///
/// Encoded form: `ln=<log2 N>,r=<r>,p=<p>`, e.g. `ln=17,r=8,p=1`, ASCII, fields in that order.
public struct ScryptParameters: Sendable, Equatable, CustomStringConvertible {
    /// log2 of the CPU/memory cost N.
    public let logN: UInt8
    /// Block size.
    public let r: UInt32
    /// Parallelisation.
    public let p: UInt32

    /// The largest memory any accepted parameter set may need, so that parameters read from a
    /// stored value cannot make the process allocate without bound (1 GiB + 1 MiB: RFC 7914's
    /// N = 2^20, r = 8 fits).
    public static let maximumMemory: UInt64 = (1 << 30) + (1 << 20)

    /// N = 2^17, r = 8, p = 1 (128 MiB, a few hundred ms): the OWASP minimum for scrypt, for staff
    /// passwords and key encryption.
    public static let recommended = try! ScryptParameters(logN: 17, r: 8, p: 1)

    /// Validates and creates a parameter set.
    public init(logN: UInt8, r: UInt32, p: UInt32) throws {
        guard (1...30).contains(logN) else {
            throw VaultError.invalidArgument(what: "scrypt parameters", reason: "log2 N must be 1...30, got \(logN)")
        }
        guard r >= 1, p >= 1, UInt64(r) * UInt64(p) < (1 << 30) else {
            throw VaultError.invalidArgument(what: "scrypt parameters", reason: "r and p must be at least 1 with r*p < 2^30 (got r=\(r), p=\(p))")
        }
        self.logN = logN
        self.r = r
        self.p = p
        guard memoryBound <= Self.maximumMemory else {
            throw VaultError.invalidArgument(what: "scrypt parameters",
                                             reason: "ln=\(logN),r=\(r),p=\(p) needs up to \(memoryBound >> 20) MiB, above the \(Self.maximumMemory >> 20) MiB limit")
        }
    }

    /// Parses the encoded form written by `encoded`.
    public init(encoded: String) throws {
        let fields = encoded.split(separator: ",", omittingEmptySubsequences: false)
        func value(_ index: Int, _ name: String) throws -> UInt64 {
            let prefix = name + "="
            guard fields.count == 3, fields[index].hasPrefix(prefix) else {
                throw VaultError.malformedInput(what: "scrypt parameters", field: "encoding",
                                                reason: "expected 'ln=<n>,r=<n>,p=<n>'")
            }
            let digits = fields[index].dropFirst(prefix.count)
            guard !digits.isEmpty, digits.count <= 10, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
                  digits == "0" || !digits.hasPrefix("0"), let number = UInt64(digits) else {
                throw VaultError.malformedInput(what: "scrypt parameters", field: name, reason: "not a plain decimal number")
            }
            return number
        }
        let logN = try value(0, "ln"), r = try value(1, "r"), p = try value(2, "p")
        guard logN <= 255, r <= UInt64(UInt32.max), p <= UInt64(UInt32.max) else {
            throw VaultError.malformedInput(what: "scrypt parameters", field: "encoding", reason: "value out of range")
        }
        try self.init(logN: UInt8(logN), r: UInt32(r), p: UInt32(p))
    }

    /// The compact self-describing form, e.g. `ln=17,r=8,p=1`.
    public var encoded: String { "ln=\(logN),r=\(r),p=\(p)" }
    public var description: String { encoded }

    /// N = 2^logN.
    public var n: UInt64 { 1 << UInt64(logN) }

    /// True when any of N, r or p is below `target`'s: the stored value should be derived again
    /// with `target` at the next chance (for a password, the next successful login).
    public func needsRehash(target: ScryptParameters) -> Bool {
        logN < target.logN || r < target.r || p < target.p
    }

    /// 128·N·r·p plus a 1 MiB margin: never less than what OpenSSL's scrypt allocates
    /// (128·r·(N+2) + 128·r·p), used both as a sanity limit and as the explicit `maxmem`, since
    /// OpenSSL's default cap (32 MiB) refuses N = 2^15, r = 8.
    var memoryBound: UInt64 {
        let (product, overflow) = (128 * UInt64(r)).multipliedReportingOverflow(by: n)
        let (withP, overflow2) = product.multipliedReportingOverflow(by: UInt64(p))
        return overflow || overflow2 ? .max : withP &+ (1 << 20)
    }
}

/// scrypt (RFC 7914) through OpenSSL's EVP_KDF "SCRYPT".
public enum Scrypt {
    /// Derives `count` bytes from `password` and `salt`.
    public static func derive(password: SecureBytes, salt: [UInt8], parameters: ScryptParameters, count: Int) throws -> SecureBytes {
        guard count >= 1, count <= (1 << 20) else {
            throw VaultError.invalidArgument(what: "scrypt", reason: "output length must be 1...1048576 bytes, got \(count)")
        }
        ScryptTally.current?.record(parameters, count: count)
        return try SecureBytes(count: count) { out in
            let ok = password.withNonNullPointer { passwordPointer, passwordCount in
                withNonNullBytes(salt) { saltPointer, saltCount in
                    candor_scrypt(passwordPointer, passwordCount, saltPointer, saltCount,
                                  parameters.n, parameters.r, parameters.p, parameters.memoryBound,
                                  out.baseAddress!.assumingMemoryBound(to: UInt8.self), out.count)
                }
            }
            guard ok == 1 else {
                secureWipe(out)
                throw VaultError.ossl("scrypt (\(parameters.encoded))")
            }
        }
    }

    /// Derives `count` bytes from a password given as a string (its UTF-8 bytes, not normalised).
    public static func derive(password: String, salt: [UInt8], parameters: ScryptParameters, count: Int) throws -> SecureBytes {
        try derive(password: SecureBytes(password: password), salt: salt, parameters: parameters, count: count)
    }
}

/// The scrypt derivations made while a tally is bound (`ScryptTally.$current.withValue`), on the
/// binding thread and on any worker the binder hands it to. Tests use it to prove that answers an
/// attacker can time cost the same work: by counting derivations and their cost, not by a clock.
public final class ScryptTally: Sendable {
    public struct Derivation: Equatable, Sendable, CustomStringConvertible {
        public let parameters: ScryptParameters
        public let outputCount: Int
        public init(parameters: ScryptParameters, outputCount: Int) {
            self.parameters = parameters
            self.outputCount = outputCount
        }
        public var description: String { "scrypt(\(parameters.encoded), \(outputCount) bytes)" }
    }

    @TaskLocal public static var current: ScryptTally?

    private let recorded = Mutex<[Derivation]>([])

    public init() {}

    public var derivations: [Derivation] { recorded.withLock { $0 } }

    func record(_ parameters: ScryptParameters, count: Int) {
        recorded.withLock { $0.append(Derivation(parameters: parameters, outputCount: count)) }
    }
}

extension SecureBytes {
    /// The UTF-8 bytes of `password`. The String itself cannot be wiped; this copy can.
    init(password: String) {
        var utf8 = Array(password.utf8)
        self.init(utf8)
        utf8.withUnsafeMutableBytes { secureWipe($0) }
    }
}
