import COpenSSL

/// HKDF (RFC 5869) through OpenSSL's EVP_KDF "HKDF".
public enum HKDF {
    /// Extract-then-expand HKDF-SHA256: `outputCount` bytes (1...8160) from `ikm`, `salt` and `info`.
    public static func sha256(ikm: SecureBytes, salt: [UInt8], info: [UInt8], outputCount: Int) throws -> SecureBytes {
        guard (1...(255 * 32)).contains(outputCount) else {
            throw VaultError.invalidArgument(what: "HKDF-SHA256", reason: "output length must be 1...8160 bytes, got \(outputCount)")
        }
        return try SecureBytes(count: outputCount) { out in
            let ok = ikm.withNonNullPointer { ikmPointer, ikmCount in
                withNonNullBytes(salt) { saltPointer, saltCount in
                    withNonNullBytes(info) { infoPointer, infoCount in
                        candor_hkdf_sha256(ikmPointer, ikmCount, saltPointer, saltCount, infoPointer, infoCount,
                                           out.baseAddress!.assumingMemoryBound(to: UInt8.self), out.count)
                    }
                }
            }
            guard ok == 1 else {
                secureWipe(out)
                throw VaultError.ossl("HKDF-SHA256")
            }
        }
    }
}
