import COpenSSL
import Glibc

/// Everything that can go wrong in Vault. Messages name the operation and the field, and never
/// contain key material, plaintext or passwords.
public enum VaultError: Error, Equatable, Sendable {
    /// The authentication tag did not match: the data was altered, or the key or associated data is wrong.
    case authenticationFailed(operation: String)
    /// The password did not unlock the data (or the data was altered; the two cannot be told apart).
    case wrongPassword(what: String)
    /// The input is not of the expected form; `field` says which part.
    case malformedInput(what: String, field: String, reason: String)
    /// The input carries a format version this build does not read.
    case unsupportedVersion(what: String, found: UInt8, supported: UInt8)
    /// A key is of the wrong size or unusable (for example a small-order X25519 point).
    case invalidKey(what: String, reason: String)
    /// A caller passed an argument outside what the operation allows.
    case invalidArgument(what: String, reason: String)
    /// A stream was used out of order (for example `update` after `finish`).
    case invalidState(String)
    /// OpenSSL reported a failure; `detail` is the drained error queue.
    case openSSL(operation: String, detail: String)
    /// A file could not be read or written.
    case io(operation: String, path: String, errno: Int32)
}

extension VaultError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .authenticationFailed(let operation):
            return "\(operation) failed: authentication tag mismatch (the data was altered or the key is wrong)"
        case .wrongPassword(let what):
            return "\(what): wrong password (or the data was altered)"
        case .malformedInput(let what, let field, let reason):
            return "\(what): malformed \(field): \(reason)"
        case .unsupportedVersion(let what, let found, let supported):
            return "\(what): unsupported format version \(found) (this build reads version \(supported))"
        case .invalidKey(let what, let reason):
            return "\(what): invalid key: \(reason)"
        case .invalidArgument(let what, let reason):
            return "\(what): \(reason)"
        case .invalidState(let reason):
            return reason
        case .openSSL(let operation, let detail):
            return detail.isEmpty ? "\(operation) failed in OpenSSL" : "\(operation) failed in OpenSSL: \(detail)"
        case .io(let operation, let path, let code):
            return "\(operation) '\(path)' failed: \(String(cString: strerror(code))) (errno \(code))"
        }
    }
}

/// The thread-local OpenSSL error queue.
enum OpenSSLErrors {
    /// Empties the whole queue and returns its entries joined with "; ". Drained after every
    /// failure so that a stale entry never shows up in a later, unrelated message.
    static func drain() -> String {
        var messages: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            let text = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            if messages.count < 8 { messages.append(text) }
        }
        return messages.joined(separator: "; ")
    }

    static func clear() { ERR_clear_error() }
}

extension VaultError {
    static func ossl(_ operation: String) -> VaultError {
        .openSSL(operation: operation, detail: OpenSSLErrors.drain())
    }
}
