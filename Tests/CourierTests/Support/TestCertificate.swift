import COpenSSL
import Foundation
import Glibc

/// A self-signed EC P-256 certificate made at test time through the OpenSSL API (as
/// HTTPCoreTests does), written as PEM files; the certificate doubles as its own CA to pin.
struct TestCertificate {
    let certificatePath: String
    let keyPath: String

    init(commonName: String, in dir: String) throws {
        certificatePath = dir + "/\(commonName)-cert.pem"
        keyPath = dir + "/\(commonName)-key.pem"
        let kctx = EVP_PKEY_CTX_new_id(EVP_PKEY_EC, nil)
        defer { EVP_PKEY_CTX_free(kctx) }
        guard EVP_PKEY_keygen_init(kctx) == 1, EVP_PKEY_CTX_set_ec_paramgen_curve_nid(kctx, NID_X9_62_prime256v1) == 1 else {
            throw NSError(domain: "keygen", code: 1)
        }
        var pkey: OpaquePointer?
        guard EVP_PKEY_keygen(kctx, &pkey) == 1 else { throw NSError(domain: "keygen", code: 2) }
        defer { EVP_PKEY_free(pkey) }
        let x509 = X509_new()
        defer { X509_free(x509) }
        X509_set_version(x509, 2)
        ASN1_INTEGER_set(X509_get_serialNumber(x509), 1)
        X509_gmtime_adj(X509_getm_notBefore(x509), -60)
        X509_gmtime_adj(X509_getm_notAfter(x509), 3600)
        X509_set_pubkey(x509, pkey)
        let name = X509_get_subject_name(x509)
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, commonName, -1, -1, 0)
        X509_set_issuer_name(x509, name)
        guard X509_sign(x509, pkey, EVP_sha256()) > 0 else { throw NSError(domain: "sign", code: 3) }
        let cf = fopen(certificatePath, "w")
        PEM_write_X509(cf, x509)
        fclose(cf)
        let kf = fopen(keyPath, "w")
        PEM_write_PrivateKey(kf, pkey, nil, nil, 0, nil, nil)
        fclose(kf)
    }
}
