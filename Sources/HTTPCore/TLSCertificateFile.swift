import COpenSSL
import Glibc

/// What `candor check` and `serve` ask of the TLS files before serving with them.
public enum TLSCertificateFile {
    /// Loads the certificate chain and the key as the server would (so a key that does not match
    /// its certificate fails here), and returns when the first certificate expires (seconds since 1970).
    public static func check(_ configuration: TLSConfiguration) throws -> Int64 {
        _ = try TLSContext(configuration: configuration)
        guard let file = fopen(configuration.certificatePath, "r") else {
            throw ServerError(message: "TLS certificate \(configuration.certificatePath): cannot open")
        }
        defer { fclose(file) }
        guard let x509 = PEM_read_X509(file, nil, nil, nil) else {
            throw TLSContext.error("certificate \(configuration.certificatePath)")
        }
        defer { X509_free(x509) }
        var parts = tm()
        guard ASN1_TIME_to_tm(X509_get0_notAfter(x509), &parts) == 1 else {
            throw ServerError(message: "TLS certificate \(configuration.certificatePath): unreadable expiry date")
        }
        return Int64(timegm(&parts))
    }
}
